package release

import (
	"bytes"
	"context"
	"encoding/json"

	"dagger/ecs-bluegreen/deploy"
)

// Artifacts renders the pipeline artifacts for the stack's deployment mode:
// imageDetail.json, taskdef.json, appspec.yaml and release.json for the
// CodeDeploy action, or in ecs mode imagedefinitions.json and release.json
// for the ECS deploy action.
func (p *Plan) Artifacts(opts Options, imageURI string) (map[string][]byte, error) {
	if p.Native() {
		return p.RenderNative(opts, imageURI)
	}
	b, err := p.Render(opts, imageURI, "")
	if err != nil {
		return nil, err
	}
	return b.Files(), nil
}

// Ship deploys in the stack's deployment mode: DeployNative in ecs mode,
// Deploy (CodeDeploy) otherwise.
func (p *Plan) Ship(ctx context.Context, api ServiceDeployer, cd deploy.CodeDeployAPI, req DeployRequest) (Outcome, error) {
	if p.Native() {
		return p.DeployNative(ctx, api, req)
	}
	return p.Deploy(ctx, api, cd, req)
}

// deploymentSummary is deployment.json, in this order.
type deploymentSummary struct {
	ReleaseID         string `json:"releaseId"`
	DeploymentID      string `json:"deploymentId"`
	TaskDefinitionArn string `json:"taskDefinitionArn"`
	Waited            bool   `json:"waited"`
	Checkpoint        string `json:"checkpoint"`
	LeftRunning       bool   `json:"leftRunning"`
}

// DeploymentJSON is deployment.json: the release id, the deployment (id or
// service deployment ARN), the registered revision, whether the release
// waited, the checkpoint it stopped waiting at, and whether a timeout left a
// fully shifted deployment to finish.
func (o Outcome) DeploymentJSON(releaseID string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	// Strings and booleans only: encoding cannot fail.
	_ = enc.Encode(deploymentSummary{
		ReleaseID: releaseID, DeploymentID: o.DeploymentID, TaskDefinitionArn: o.TaskDefinitionArn,
		Waited: o.Waited, Checkpoint: o.Result.Checkpoint, LeftRunning: o.Result.LeftRunning,
	})
	return b.String()
}

// ResolveStatus is ResolveDeployment for status, which without an id
// reports the current deployment in every mode: in ecs mode the service's
// current service deployment, in codedeploy mode the group's deployment in
// flight or else its last attempted one (deploy.CurrentDeployment).
func ResolveStatus(ctx context.Context, id string, load func(context.Context) (*Plan, error), cd deploy.GroupReader) (DeploymentRef, error) {
	if id != "" {
		return ResolveDeployment(ctx, id, load)
	}
	plan, err := load(ctx)
	if err != nil {
		return DeploymentRef{}, err
	}
	if plan.Native() || cd == nil {
		return ResolveDeployment(ctx, "", func(context.Context) (*Plan, error) { return plan, nil })
	}
	current, err := deploy.CurrentDeployment(ctx, cd, plan.Target.CodeDeployApplication, plan.Target.DeploymentGroup)
	return DeploymentRef{ID: current}, err
}
