// Command ecs-lifecycle-hook is the deployment hook as a Lambda function on
// the provided.al2023 runtime: the smoke check of the test listener and the
// analysis of the new revision against the old, for ECS lifecycle hooks and
// CodeDeploy's AfterAllowTestTraffic hook. It reads its settings from the
// environment (see lifecyclehook.ConfigFromEnv) and writes one JSON line per
// verdict to standard output, which Lambda sends to CloudWatch Logs.
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -o bootstrap ./cmd/ecs-lifecycle-hook
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"dagger/ecs-bluegreen/lambdaruntime"
	"dagger/ecs-bluegreen/lifecyclehook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run serves invocations until ctx ends; a bad configuration is reported to
// Lambda as an init error.
func run(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) int {
	rt, err := lambdaruntime.New(getenv("AWS_LAMBDA_RUNTIME_API"))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	h, err := lifecyclehook.NewFromEnv(ctx, getenv, stdout)
	if err != nil {
		fmt.Fprintln(stderr, err)
		if ierr := rt.InitError(ctx, err); ierr != nil {
			fmt.Fprintln(stderr, ierr)
		}
		return 1
	}
	if err := rt.Serve(ctx, h.Invoke); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
