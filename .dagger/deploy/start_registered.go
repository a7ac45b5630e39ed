package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// StartRegistered is Start for a deployment of arn, the task definition
// revision registered for it just before. When CreateDeployment is refused
// (most often because another deployment took the group between the busy
// check and this call) and the group holds no deployment carrying the
// request's release id, nothing will ever run arn: it is deregistered, so
// the family's ACTIVE revisions stay the ones that served, and the error
// says so. When whether a deployment exists cannot be read, arn is left
// registered and the error says that instead.
func StartRegistered(ctx context.Context, cd DeploymentCreator, td TaskDefinitionRegistrar, req Request, arn string) (string, error) {
	if req.ReleaseID == "" {
		req.ReleaseID = NewReleaseID(time.Now())
	}
	since := time.Now().Add(-recentWindow)
	id, err := Start(ctx, cd, req)
	if err == nil {
		return id, nil
	}
	// The caller's context may be what ended; the clean-up still runs.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopCallTimeout)
	defer cancel()
	own, ferr := findOwnDeployment(cctx, cd, req.Application, req.DeploymentGroup, req.ReleaseID, since)
	switch {
	case own != "":
		return own, nil
	case ferr != nil:
		return "", fmt.Errorf("%w; task definition %s stays registered: whether a deployment of release %s exists could not be read (%v)", err, arn, req.ReleaseID, ferr)
	}
	if _, derr := td.DeregisterTaskDefinition(cctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)}); derr != nil {
		return "", fmt.Errorf("%w; no deployment of release %s exists, and deregistering its task definition %s failed (%v): deregister it with aws ecs deregister-task-definition --task-definition %s", err, req.ReleaseID, arn, derr, arn)
	}
	return "", fmt.Errorf("%w; no deployment of release %s exists, so its task definition %s, which nothing will run, was deregistered", err, req.ReleaseID, arn)
}
