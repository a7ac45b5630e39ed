// Package deploy runs an Amazon ECS blue/green deployment through CodeDeploy
// without a pipeline: it registers the task definition, starts a deployment
// whose AppSpec travels inline (revision type AppSpecContent), follows it with
// plain progress lines until it settles, and stops it with rollback when it
// takes too long or the caller gives up. It also reports a deployment's state
// and rolls a service back, either by stopping the deployment in flight or by
// redeploying the release that served before the current one, as the
// deployment group's history records it.
//
// ECS service deployments (the ECS controller's own blue/green, linear and
// canary) are followed by the same waiter (ecs_wait.go): each mode supplies
// a tracker that reads the deployment into a report with a neutral core
// (core.go) and stops it with rollback; the schedule, heartbeat, read
// budget, checkpoints (--wait-until) and the rule never to undo a finished
// shift stay in one place. ContinueService answers PAUSE hooks and
// RollbackService rolls a service deployment in flight back.
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
