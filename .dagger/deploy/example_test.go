package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/deploy"
)

// A direct release: register the task definition, deploy it with the AppSpec
// inline, and follow the deployment. A failure or timeout returns a non-nil
// error that says what failed and how the deployment was rolled back.
func Example() {
	ctx := context.Background()
	var cfg aws.Config // from the module's credentials, region and endpoint
	ecsClient, cdClient := ecs.NewFromConfig(cfg), codedeploy.NewFromConfig(cfg)
	var taskdef *ecs.RegisterTaskDefinitionInput // taskdef.json with the image digest filled in
	render := func(arn string) (string, error) { return "appspec.yaml pointing at " + arn, nil }

	arn, err := deploy.Register(ctx, ecsClient, taskdef)
	if err != nil {
		fmt.Println(err)
		return
	}
	appspec, err := render(arn)
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := deploy.Start(ctx, cdClient, deploy.Request{Application: "webapp", DeploymentGroup: "webapp", AppSpecContent: appspec, Description: "release 1a2b3c"})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := deploy.Wait(ctx, cdClient, id, deploy.Options{Out: os.Stderr, Timeout: 30 * time.Minute})
	switch {
	case errors.Is(err, deploy.ErrTimedOut), errors.Is(err, deploy.ErrFailed):
		fmt.Println("release did not complete:", err)
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println("released", arn, "in", res.Elapsed)
	}
}
