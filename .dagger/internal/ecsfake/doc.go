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
//
// # What the project relies on, and where ECS says so
//
// Each behaviour of ECS the project's code depends on, the line of AWS's
// documentation it follows (paraphrased; the page in parentheses) and the
// test of this package that pins it:
//
//	behaviour                              | AWS documentation                                                          | test
//	---------------------------------------|----------------------------------------------------------------------------|----------------------------------------------
//	deployment statuses and stages         | a deployment goes PENDING, IN_PROGRESS, then SUCCESSFUL; lifecycleStage    | TestBlueGreenDeploymentSucceeds
//	                                       | names RECONCILE_SERVICE … CLEAN_UP (DescribeServiceDeployments)            |
//	PRE_PRODUCTION_TRAFFIC_SHIFT           | a stage before production traffic moves, before every step of a linear or | TestPreProductionTrafficShiftBeforeEachStep
//	                                       | canary deployment (DeploymentLifecycleHook.lifecycleStages)                |
//	linear and canary steps, defaults      | stepPercent 10 and stepBakeTimeInMinutes 6, canaryPercent 5 and            | TestLinearShiftsInSteps, TestCanaryShiftsThenBakes,
//	                                       | canaryBakeTimeInMinutes 10 when unset (Linear/CanaryConfiguration)         | TestLinearAndCanaryDefaults
//	PAUSE hooks                            | the deployment waits at the stage until ContinueServiceDeployment or the   | TestPauseHookHoldsUntilContinued,
//	                                       | hook's timeout; timeout action ROLLBACK by default, 1440 minutes by        | TestPauseHookContinueWithRollback,
//	                                       | default (DeploymentLifecycleHookTimeoutConfiguration); no PAUSE hook at    | TestPauseHookTimeout, TestRefusesWhatECSRefuses
//	                                       | TEST_ or PRODUCTION_TRAFFIC_SHIFT (DeploymentLifecycleHook)                |
//	lifecycleHookDetails                   | hookId, status AWAITING_ACTION, IN_PROGRESS, SUCCEEDED, FAILED or          | TestLifecycleHookDetails
//	                                       | TIMED_OUT, targetType, timeoutAction, expiresAt (the time the hook times   |
//	                                       | out) (DeploymentLifecycleHookDetail)                                       |
//	a failed Lambda hook rolls back        | a hook that fails rolls the deployment back (blue/green lifecycle hooks)   | TestFailingLambdaHookRollsBack
//	Lambda hooks invoked (SetHookFunction, | the payload: executionDetails (serviceArn, targetServiceRevisionArn,       | TestLambdaHookInvokedAsECSDoes,
//	HookEndpoint)                          | testTrafficWeights, productionTrafficWeights), executionId,                | TestLambdaHookAnswersThatRollBack,
//	                                       | lifecycleStage, resourceArn, hookDetails; the function answers hookStatus  | TestLambdaHookOverHTTP
//	                                       | SUCCEEDED, FAILED or IN_PROGRESS, IN_PROGRESS with callBackDelay (seconds, | TestLambdaHookHoldsUntilItAnswers
//	                                       | default 30) and hookDetails for the next call, holding the stage; no valid |
//	                                       | hookStatus or a failed invocation rolls back (Lambda hooks for Amazon ECS  |
//	                                       | service deployments)                                                       |
//	alarms roll back                       | with alarms enabled and rollback on, an alarm in ALARM during the          | TestAlarmRollsBack, TestAlarmWithoutRollbackOnlyMonitors
//	                                       | deployment rolls it back (DeploymentAlarms)                                |
//	circuit breaker                        | failing tasks trip the breaker at 0.5 × desired count, at least 3 and at   | TestCircuitBreaker
//	                                       | most 200; with rollback on the deployment is rolled back, otherwise it     |
//	                                       | stops (ServiceDeploymentCircuitBreaker, DeploymentCircuitBreaker)          |
//	ROLLBACK_FAILED                        | a final status of a deployment whose rollback did not complete             | TestRollbackFailed
//	                                       | (ServiceDeployment.status)                                                 |
//	StopServiceDeployment                  | PENDING and IN_PROGRESS move to ROLLBACK_REQUESTED; STOP_REQUESTED goes on | TestStopWithRollback, TestStopWithAbort,
//	                                       | stopping, ROLLBACK_REQUESTED and ROLLBACK_IN_PROGRESS go on rolling back   | TestStopAStoppingDeploymentIsAccepted
//	                                       | (Stopping Amazon ECS service deployments); a finished one is a conflict    |
//	a newer deployment supersedes          | the running deployment ends STOPPED when another starts (service           | TestNewDeploymentSupersedesRunningOne
//	                                       | deployments)                                                               |
//	ListServiceDeployments                 | status and createdAt (before, after) filters, maxResults 1 to 100,         | TestServiceRevisionsAndListing,
//	                                       | nextToken pages; no order is documented (ListServiceDeployments, CreatedAt)| TestListOrderAndCreatedAtFilter
//	DescribeServiceRevisions               | the revision's task definition and container images; MISSING for an       | TestDescribeServiceRevisions
//	                                       | unknown ARN (DescribeServiceRevisions)                                     |
//	refused configurations and calls       | the errors ECS answers for bad deployment configurations and for           | TestRefusesWhatECSRefuses,
//	                                       | deployment calls (the API reference's Errors sections)                     | TestRefusedUpdateKeepsTheConfiguration, TestDeploymentCallErrors
//
// # Known differences from ECS
//
// Where ECS's behaviour is not documented, or not worth modelling, the
// stand-in chooses as below; a test must not lean on these choices.
//
//   - List order: ECS documents none for ListServiceDeployments. The
//     stand-in lists in creation order, oldest first, so code that assumes
//     newest first fails here; callers sort by createdAt.
//   - createdAt: two deployments of one service never share an instant (a
//     millisecond apart when the test clock stood still); the deployment's
//     schedule still runs from the clock.
//   - Hook ids: ECS documents no form; the stand-in mints UUIDs.
//   - lifecycleHookDetails: every hook run of the deployment stays listed
//     with the status it ended in; a PAUSE hook awaiting action when the
//     deployment rolls back is reported FAILED.
//   - PRE_PRODUCTION_TRAFFIC_SHIFT takes no time of its own: a reader sees
//     it only while a hook holds it. A linear or canary step bake reports
//     PRODUCTION_TRAFFIC_SHIFT; a rollback keeps the stage it started in.
//   - StopServiceDeployment on a deployment already stopping or rolling back
//     is accepted and changes nothing, whatever its stop type.
//   - No tasks run. Task counts follow the plan (the new revision's tasks
//     count as running once SCALE_UP ends). FailTasks makes the tasks of a
//     task definition fail: at the end of SCALE_UP the circuit breaker (if
//     enabled) trips at once; without it the step starts over, as ECS keeps
//     replacing failed tasks. The API reference describes the breaker for
//     rolling updates; the stand-in applies it to every strategy.
//   - FailRollbacks makes rollbacks end ROLLBACK_FAILED with traffic where
//     it was when the rollback began and the service on the failed release;
//     what a real failed rollback leaves behind is not documented.
//   - Alarms are not read from CloudWatch: a test sets them with SetAlarm.
//   - A Lambda hook is invoked only when a test registers its function
//     (SetHookFunction, HookEndpoint); otherwise it succeeds after
//     Timings.Hook unless FailHook says otherwise. An invocation is dated
//     when it was due: a clock advanced past several callBackDelays makes
//     the calls one after another, each answer applied at its due time,
//     while the function reads the clock as it is. An invoked hook has no
//     timeout of its own (the function decides when to stop); one running
//     when the deployment rolls back is reported FAILED. The payload
//     carries no roleArn and the function is never given the hook's role.
//   - Configuration problems are refused on CreateService and UpdateService
//     (one at a time, as ECS answers); ECS may report some of them only as a
//     failed deployment.
//   - A service's first deployment (CreateService) is SUCCESSFUL at once; a
//     ROLLING deployment has no lifecycle stages.
//   - Service revisions carry no image digests, Service Connect or volume
//     configurations; early success criteria, Service Connect and Network
//     Load Balancers are not implemented.
//   - Traffic percentages become ALB weights out of 999 (ALB's maximum), so
//     a 10 % canary reads as green 100 / blue 899 on the rule.
package ecsfake
