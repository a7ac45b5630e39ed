// Package deploy runs an Amazon ECS blue/green deployment through CodeDeploy
// without a pipeline: it registers the task definition, starts a deployment
// whose AppSpec travels inline (revision type AppSpecContent), follows it with
// plain progress lines until it settles, and stops it with rollback when it
// takes too long or the caller gives up. It also reports a deployment's state
// and rolls a service back, either by stopping the deployment in flight or by
// redeploying the release that served before the current one, as the
// deployment group's history records it.
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
