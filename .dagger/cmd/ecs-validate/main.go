// Command ecs-validate checks a team's ECS / CodeDeploy deployment artifacts
// offline: taskdef.json, appspec.yaml|yml|json, imageDetail.json,
// imagedefinitions.json and release.json, any subset of them.
//
//	cd .dagger && go run ./cmd/ecs-validate [--mode auto|pipeline|direct] \
//	    [--policy strict|warn|off] [--format text|json] PATH...
//
// Exit status: 0 when there are no errors, 1 when there are, 2 for usage errors.
package main

import (
	"context"
	"os"
	"os/signal"

	"dagger/ecs-bluegreen/validatecmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := validatecmd.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
