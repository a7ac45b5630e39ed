// Command infra is the CDK app of ecs-bluegreen: it reads the configuration
// from CDK context and the CDK environment, refuses bad values with every
// problem listed, and synthesizes the <app>-ecr, <app>-network,
// <app>-service and <app>-pipeline stacks.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
	"github.com/ecs-bluegreen/ecs-bluegreen/infra/stacks"
)

func main() {
	app := awscdk.NewApp(nil)
	cfg, err := config.Load(func(key string) (any, bool) {
		v := app.Node().TryGetContext(jsii.String(key))
		return v, v != nil
	}, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		jsii.Close()
		os.Exit(1)
	}
	stacks.Build(app, cfg)
	app.Synth(nil)
	jsii.Close()
}
