// Command ecs-validate checks a team's ECS / CodeDeploy deployment artifacts
// offline: task definitions, appspecs (YAML or JSON), imageDetail.json,
// imagedefinitions.json and release.json, any subset of them, under any file
// names (each file is taken for what it holds).
//
//	cd .dagger && go run ./cmd/ecs-validate [--mode auto|pipeline|direct] \
//	    [--policy strict|warn|off] [--strict] [--format text|json|sarif] PATH...
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
