// Package deploy runs an Amazon ECS blue/green deployment through CodeDeploy
// without a pipeline: it registers the task definition, starts a deployment
// whose AppSpec travels inline (revision type AppSpecContent), follows it with
// plain progress lines until it settles, and stops it with rollback when it
// takes too long or the caller gives up. It also reports a deployment's state
// and rolls a service back, either by stopping the deployment in flight and
// following CodeDeploy's rollback of it (rollback_follow.go) or by
// redeploying the release that served before the current one, as the
// deployment group's history records it — an S3 revision read from its
// bucket (revision_s3.go), a deregistered revision registered again as a
// marked copy (rollback_copy.go). In hook mode, where CloudFormation runs the
// deployment, it finds the hook's deployment in the stack's events and says
// which stack update undoes a release (hook.go).
//
// CodeDeploy counts a release as shifted by what it reports for ECS: status
// Baking (it leaves instanceTerminationWaitTimeStarted false for ECS), or the
// target's AllowTraffic event succeeded with the green task set at 100 % in
// the same read; target details never outlive the read that returned them.
//
// ECS service deployments (the ECS controller's own blue/green, linear and
// canary) are followed by the same waiter (ecs_wait.go): each mode supplies
// a tracker that reads the deployment into a report with a neutral core
// (core.go) and stops it with rollback; the schedule, heartbeat, read
// budget, checkpoints (--wait-until) and the rule never to undo a finished
// shift stay in one place. ContinueService answers PAUSE hooks and
// RollbackService rolls a service deployment in flight back. With
// Options.Verdicts the progress of an ECS service deployment also shows the
// deployment hook's latest verdict, read from the metrics its log lines
// make (ecs_verdict.go).
//
// What it creates carries a release id (marker.go), so a call whose answer
// was lost is recognised instead of repeated, and its own rollbacks are
// never stopped with rollback. A timeout never undoes a finished traffic
// shift, and a wait that the group's schedule or the credentials cannot
// accommodate is refused before anything is registered (schedule.go).
//
// Every AWS call goes through the small interfaces in api.go, which the
// aws-sdk-go-v2 ECS and CodeDeploy clients satisfy, so the same code runs
// against AWS, against a local emulator and against a scripted test server.
package deploy
