// Package codedeployfake is a stand-in for AWS CodeDeploy's blue/green
// deployments of Amazon ECS services, which moto_server cannot run (moto
// never moves a deployment past Created and writes its timestamps as
// strings the SDK cannot decode).
//
// Server speaks CodeDeploy's JSON 1.1 protocol (X-Amz-Target
// CodeDeploy_20141006.*), so the real aws-sdk-go-v2 CodeDeploy client drives
// it. It keeps applications, deployment configurations, deployment groups
// and deployments itself, and acts on moto for what a deployment changes in
// the account: it moves the group's production and test listeners between
// the blue and green target groups in moto's ELBv2, and once a deployment
// succeeds it points moto's ECS service at the deployed task definition.
//
// # What it does
//
//   - CreateApplication, GetApplication, ListApplications,
//     CreateDeploymentConfig, GetDeploymentConfig (the CodeDeployDefault.ECS*
//     configurations are built in), CreateDeploymentGroup,
//     GetDeploymentGroup (with lastAttemptedDeployment and
//     lastSuccessfulDeployment), ListDeploymentGroups;
//   - CreateDeployment with an AppSpecContent or S3 revision; one active
//     deployment per group (DeploymentLimitExceededException otherwise);
//   - GetDeployment, BatchGetDeployments (at most 25 ids), ListDeployments
//     (group, status and createTimeRange filters, pages of 100);
//   - the lifecycle of an ECS deployment on an injectable Clock:
//     BeforeInstall, Install, AfterInstall, AllowTestTraffic (the test
//     listener moves to the replacement target group), AfterAllowTestTraffic,
//     the ready wait when the group's deploymentReadyOption says
//     STOP_DEPLOYMENT (status Ready until ContinueDeployment READY_WAIT, or
//     Stopped when the wait times out), BeforeAllowTraffic, AllowTraffic
//     (the production listener's weights follow the configuration: all at
//     once, time-based canary or linear), AfterAllowTraffic, then the
//     termination wait of the original task set (status Baking, ended early
//     by ContinueDeployment TERMINATION_WAIT) and Succeeded;
//   - StopDeployment: Stopped, and with autoRollbackEnabled (or, when the
//     call does not say, the group's auto-rollback on DEPLOYMENT_STOP_ON_REQUEST)
//     a rollback deployment (creator codeDeployRollback, rollbackInfo on
//     both) that puts both listeners back on the original target group;
//     stopping a finished deployment is DeploymentAlreadyCompletedException;
//   - ListDeploymentTargets, BatchGetDeploymentTargets and
//     GetDeploymentTarget: one ECSTarget (cluster:service) with its
//     lifecycle events, their times, and the Blue and Green task sets with
//     their traffic weights.
//
// Every timestamp is epoch seconds, as CodeDeploy answers. Errors carry
// CodeDeploy's exception names, so the SDK returns its typed errors.
//
// # Known differences from CodeDeploy
//
// Where CodeDeploy's behaviour is undocumented or not worth modelling, the
// stand-in chooses as below; code must not lean on these choices.
//
//   - Durations: each lifecycle event other than Install and AllowTraffic
//     takes Timings.Event, Install takes Timings.Install. CodeDeploy's own
//     durations depend on the tasks' start-up.
//   - No tasks run and no Lambda hook of the AppSpec is invoked: every event
//     succeeds. Alarms and automatic rollback on DEPLOYMENT_FAILURE are not
//     modelled, since nothing fails.
//   - The original target group is the one the production listener forwards
//     the most traffic to when the deployment is created; the replacement is
//     the other one of the group's pair. Listener default actions become a
//     weighted forward to both (weights are percentages).
//   - An S3 revision is recorded and returned as given, but its AppSpec is
//     not read: the ECS service keeps its task definition when such a
//     deployment succeeds.
//   - A rollback deployment takes Timings.Event per event and moves the
//     traffic back at once; its revision is the one of the group's last
//     successful deployment before the stopped one.
//   - A stopped deployment's target reports status Failed, its running
//     event Skipped; the listeners stay where the stop found them unless a
//     rollback moves them. A ready wait of 0 minutes with STOP_DEPLOYMENT
//     waits until ContinueDeployment; with CONTINUE_DEPLOYMENT there is no
//     wait at all.
//   - Deployment ids are d-STDIN and a four-digit sequence number.
//   - ListDeployments lists in creation order, oldest first (CodeDeploy
//     documents no order).
//   - Tags, on-premises instances, EC2/Lambda compute platforms, triggers
//     and the deployment's instance views are not implemented.
package codedeployfake
