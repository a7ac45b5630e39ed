package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// TaskDefinitionPlaceholder is the token CodePipeline replaces in
// appspec.yaml; a direct deployment must carry the registered ARN instead.
const TaskDefinitionPlaceholder = "<TASK_DEFINITION>"

// Request describes one direct deployment: the CodeDeploy application and
// deployment group, and the AppSpec sent inline.
type Request struct {
	// Application is the CodeDeploy application name.
	Application string
	// DeploymentGroup is the deployment group inside Application.
	DeploymentGroup string
	// AppSpecContent is the AppSpec document (YAML or JSON) with the
	// registered task definition ARN in place of <TASK_DEFINITION>.
	AppSpecContent string
	// AppSpecSHA256 is the lowercase hex SHA-256 of AppSpecContent. Empty
	// means compute it; when set it must match, which catches a document
	// altered after it was rendered.
	AppSpecSHA256 string
	// Description is shown in the CodeDeploy console (optional). Start
	// prefixes it with the marker "[ecs-bluegreen KIND RELEASE-ID]".
	Description string
	// ReleaseID identifies this release (NewReleaseID); empty means a new
	// one. It is how Start recognises its deployment after a lost answer.
	ReleaseID string
	// Kind is KindRelease (default) or KindRollback.
	Kind string
}

// maxNameLen is CodeDeploy's limit on application and deployment group names,
// checked locally so a bad value fails before any call.
const maxNameLen = 100

// SHA256Hex returns the lowercase hex SHA-256 of content, the form CodeDeploy
// expects in AppSpecContent.Sha256.
func SHA256Hex(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// Validate checks the request and fills in AppSpecSHA256 when it is empty.
// Errors name the field, the value and what is accepted.
func (r *Request) Validate() error {
	if err := checkName("application", r.Application); err != nil {
		return err
	}
	if err := checkName("deployment group", r.DeploymentGroup); err != nil {
		return err
	}
	if strings.TrimSpace(r.AppSpecContent) == "" {
		return errors.New("AppSpec content is empty; pass the rendered appspec.yaml with the task definition ARN")
	}
	if strings.Contains(r.AppSpecContent, TaskDefinitionPlaceholder) {
		return fmt.Errorf("AppSpec content still holds the %s placeholder; a direct deployment needs the registered task definition ARN there", TaskDefinitionPlaceholder)
	}
	if r.ReleaseID != "" {
		if err := CheckReleaseID(r.ReleaseID); err != nil {
			return err
		}
	}
	switch r.Kind {
	case "", KindRelease, KindRollback:
	default:
		return fmt.Errorf("deployment kind %q is not accepted; use %q or %q", r.Kind, KindRelease, KindRollback)
	}
	want := SHA256Hex(r.AppSpecContent)
	switch {
	case r.AppSpecSHA256 == "":
		r.AppSpecSHA256 = want
	case !isLowerHex(r.AppSpecSHA256, 64):
		return fmt.Errorf("AppSpec SHA-256 %q is not 64 lowercase hex characters; leave it empty to compute it", r.AppSpecSHA256)
	case r.AppSpecSHA256 != want:
		return fmt.Errorf("AppSpec SHA-256 %q does not match the content (its SHA-256 is %s); the AppSpec changed after it was hashed", r.AppSpecSHA256, want)
	}
	return nil
}

// Start validates req and creates the deployment with the AppSpec inline
// (revision type AppSpecContent). It returns the deployment id, e.g.
// d-ABCDEF123. Nothing is sent when validation fails.
//
// The description carries the release id. When the call fails (a lost
// answer, a reset connection), Start looks for a deployment of the group
// carrying that id and returns it if CodeDeploy created it after all; only
// when there is none does it try again.
func Start(ctx context.Context, api DeploymentCreator, req Request) (string, error) {
	if err := req.Validate(); err != nil {
		return "", err
	}
	if req.ReleaseID == "" {
		req.ReleaseID = NewReleaseID(time.Now())
	}
	if req.Kind == "" {
		req.Kind = KindRelease
	}
	in := &codedeploy.CreateDeploymentInput{
		ApplicationName:     aws.String(req.Application),
		DeploymentGroupName: aws.String(req.DeploymentGroup),
		Revision: &types.RevisionLocation{
			RevisionType: types.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &types.AppSpecContent{
				Content: aws.String(req.AppSpecContent),
				Sha256:  aws.String(req.AppSpecSHA256),
			},
		},
	}
	in.Description = aws.String(markedDescription(req.Kind, req.ReleaseID, req.Description))
	id, err := createDeployment(ctx, api, in, req.ReleaseID)
	if err != nil {
		return "", fmt.Errorf("creating deployment in application %q, deployment group %q: %w", req.Application, req.DeploymentGroup, err)
	}
	if id == "" {
		return "", fmt.Errorf("creating deployment in application %q, deployment group %q: the response carries no deployment id", req.Application, req.DeploymentGroup)
	}
	return id, nil
}

func checkName(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s name is empty; pass the CodeDeploy %s name (the %s output of the service stack)", field, field, outputFor(field))
	}
	if len(v) > maxNameLen {
		return fmt.Errorf("%s name %q is %d characters; CodeDeploy accepts 1 to %d", field, v, len(v), maxNameLen)
	}
	return nil
}

func outputFor(field string) string {
	if field == "application" {
		return "CodeDeployApplication"
	}
	return "DeploymentGroup"
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
