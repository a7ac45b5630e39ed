// Package ecsfake is a test stand-in for Amazon ECS service deployments:
// blue/green, linear and canary deployments run by the ECS deployment
// controller, which moto_server does not implement.
//
// It is an HTTP server on a loopback port that speaks the ECS JSON 1.1
// protocol (X-Amz-Target AmazonEC2ContainerServiceV20141113.*), so the real
// aws-sdk-go-v2 ECS client drives it with BaseEndpoint set to Server.URL. It
// fronts a moto_server:
//
//   - requests it has nothing to add to (clusters, task definitions, tasks,
//     every other AWS service such as ELBv2 and EC2) are forwarded untouched,
//     so one endpoint serves a whole test;
//   - CreateService, UpdateService and DescribeServices are forwarded too, so
//     moto keeps the service itself (task definition, desired count, load
//     balancers), and the stand-in validates the request first and adds what
//     moto drops: the full deploymentConfiguration, the service revisions and
//     deployments, and currentServiceDeployment;
//   - ListServiceDeployments, DescribeServiceDeployments,
//     StopServiceDeployment, ContinueServiceDeployment and
//     DescribeServiceRevisions (for the revisions it mints, with the
//     container images moto's task definition names) are answered here.
//
// Fronting moto rather than replacing it keeps one source of truth for what
// moto already does well (task definition validation, cluster and service
// existence, ELBv2 listener rules), and lets the stand-in validate listener
// rules and shift their weights in moto's ELBv2 exactly as ECS does in a real
// account: a test reads the rule weights through the ordinary ELBv2 API.
//
// Env sets up a whole world for a test (the stand-in on a manual clock, the
// SDK client, listeners, a cluster, two task definition revisions), so the
// release's tests start from one call.
//
// Deployments advance on an injectable Clock, lazily: every request first
// moves each active deployment through the stages whose time has come, so a
// test that advances a ManualClock by an hour sees an hour of deployment in
// one call. See Timings for the stage durations the stand-in uses where ECS
// itself decides how long a stage takes.
package ecsfake

// What the stand-in does not emulate, so a test does not lean on it:
//
//   - No tasks run. Task counts follow the plan (the new revision's tasks
//     count as running once SCALE_UP ends); there are no task failures,
//     health checks, circuit breaker or ROLLBACK_FAILED.
//   - Alarms are not read from CloudWatch: a test sets them with SetAlarm.
//   - Lambda hooks are not invoked: each succeeds after Timings.Hook unless
//     FailHook says otherwise; hook payloads and IN_PROGRESS re-invocations
//     are not modelled.
//   - Where ECS's reporting is not documented, the stand-in chooses: a
//     PRE_PRODUCTION_TRAFFIC_SHIFT hook and a linear or canary step bake
//     report lifecycleStage PRODUCTION_TRAFFIC_SHIFT; a rollback keeps the
//     stage it started in; a PAUSE timeout without a configured action rolls
//     back.
//   - Configuration problems are refused on CreateService and UpdateService
//     (one at a time, as ECS answers); ECS may report some of them only as a
//     failed deployment.
//   - A service's first deployment (CreateService) is SUCCESSFUL at once; a
//     ROLLING deployment has no lifecycle stages.
//   - Service revisions carry no image digests, Service Connect or
//     volume configurations; the createdAt filter of
//     ListServiceDeployments, early success criteria, Service Connect and
//     Network Load Balancers are not implemented.
//   - Traffic percentages become ALB weights out of 999 (ALB's maximum), so
//     a 10 % canary reads as green 100 / blue 899 on the rule.
