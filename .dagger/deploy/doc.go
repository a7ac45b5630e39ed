// Package deploy runs an Amazon ECS blue/green deployment through CodeDeploy
// without a pipeline: it registers the task definition, starts a deployment
// whose AppSpec travels inline (revision type AppSpecContent), follows it with
// plain progress lines until it settles, and stops it with rollback when it
// takes too long or the caller gives up. It also reports a deployment's state
// and rolls a service back, either by stopping the deployment in flight or by
// redeploying the previous task definition revision.
//
// Every AWS call goes through the small interfaces in api.go, which the
// aws-sdk-go-v2 ECS and CodeDeploy clients satisfy, so the same code runs
// against AWS, against a local emulator and against a scripted test server.
package deploy
