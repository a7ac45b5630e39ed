package deploy

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// redeployServed redeploys the release that served before the current one.
func redeployServed(ctx context.Context, cd CodeDeployAPI, svc RevisionRestorer, t Target, given *Report, render RenderAppSpec, o rollbackOptions) (RollbackResult, error) {
	current, err := currentTaskDefinition(ctx, svc, t)
	if err != nil {
		return RollbackResult{}, err
	}
	resolve := func(r *Report) error { return resolveRevision(ctx, o.appSpecs, r) }
	if given != nil {
		if err := resolve(given); err != nil {
			return RollbackResult{}, fmt.Errorf("%w; rollback needs its task definition to know what it undoes", err)
		}
		if given.TaskDefinition != current {
			return RollbackResult{}, fmt.Errorf("deployment %s deployed %s but service %q now runs %s; a later release replaced it — omit the id to roll back the current one", given.ID, given.TaskDefinition, t.Service, current)
		}
	}
	// A rollback's copy of an earlier revision stands for that release.
	release, err := releaseOfRevision(ctx, svc, current)
	if err != nil {
		return RollbackResult{}, err
	}
	hist, err := groupHistory(ctx, cd, t)
	if err != nil {
		return RollbackResult{}, err
	}
	served, err := chooseServed(hist, release, given, t, resolve)
	if err != nil {
		return RollbackResult{}, err
	}
	if o.releaseID == "" {
		o.releaseID = NewReleaseID(time.Now())
	}
	// Read (and, for an INACTIVE revision, copy) before anything else
	// changes: the checks below may refuse, and then nothing was started.
	if o.before != nil {
		if err := o.before(ctx); err != nil {
			return RollbackResult{}, err
		}
	}
	restored, err := RestoreRevision(ctx, svc, served.TaskDefinition, release, o.releaseID, false)
	if err != nil {
		return RollbackResult{}, err
	}
	content, err := render(restored.ARN, served.AppSpec)
	if err != nil {
		return RollbackResult{}, fmt.Errorf("rendering the AppSpec for %s: %w", restored.ARN, err)
	}
	req := Request{
		Application:     t.Application,
		DeploymentGroup: t.DeploymentGroup,
		AppSpecContent:  content,
		Kind:            KindRollback,
		ReleaseID:       o.releaseID,
		Description:     fmt.Sprintf("%s → %s, as deployment %s served it (image %s)", shortTaskDefinition(release), shortTaskDefinition(served.TaskDefinition), served.ID, strings.Join(restored.Images, ", ")),
	}
	var id string
	if restored.Copied {
		// The copy exists only for this deployment: when CreateDeployment
		// is refused it is deregistered again.
		id, err = StartRegistered(ctx, cd, svc, req, restored.ARN)
	} else {
		id, err = Start(ctx, cd, req)
	}
	if err != nil {
		return RollbackResult{}, err
	}
	return RollbackResult{Action: ActionRedeployed, DeploymentID: id, From: current, To: restored.ARN, Release: served.TaskDefinition, Served: served.ID, Images: restored.Images}, nil
}

// chooseServed picks the deployment whose task definition a rollback
// redeploys, from the group's history (newest first):
//
//   - ECS never deregisters revisions by itself, so revisions that never ran
//     (a refused CreateDeployment, a deployment rolled back, a pipeline run)
//     are everywhere; only a Succeeded deployment proves a release served.
//   - CodeDeploy's own rollback deployments are skipped: they restore the
//     original task set and their revision is not a release.
//   - A release this package already rolled back is skipped, so repeated
//     rollbacks keep going back instead of bouncing between two releases.
//   - A Succeeded deployment whose AppSpec is not inline is read through
//     resolve (an S3 object); when that fails the rollback is refused: the
//     release it served may be the one to go back to, and skipping it
//     would silently take the service one release too far.
//   - Without an id, when the newest release failed and CodeDeploy rolled it
//     back, that release is already undone: going back once more would take
//     the service one release too far, so the caller is asked to name the
//     deployment to undo.
//
// current is the release the service runs (for a rollback's copy, the
// release it restores). With given (a Succeeded deployment of the current
// task definition) the search starts below it.
func chooseServed(hist []Report, current string, given *Report, t Target, resolve func(*Report) error) (Report, error) {
	start := 0
	if given != nil {
		start = -1
		for i, r := range hist {
			if r.ID == given.ID {
				start = i + 1
			}
		}
		if start < 0 {
			return Report{}, fmt.Errorf("deployment %s is not in the history of deployment group %q", given.ID, t.DeploymentGroup)
		}
	} else if err := newestReleaseStuck(hist, current, t); err != nil {
		return Report{}, err
	}
	undone := map[string]bool{}
	for i := range hist[start:] {
		r := &hist[start+i]
		if r.IsOwnRollback() {
			if from := rolledBackFrom(r.Description); from != "" {
				undone[from] = true
			}
		}
		if isCodeDeployRollback(*r) || r.Status != string(cdtypes.DeploymentStatusSucceeded) || r.IsOwnRollback() {
			continue
		}
		if err := resolve(r); err != nil {
			return Report{}, fmt.Errorf("%w; rollback refuses to skip the release that deployment served, since it may be the one to go back to — let the caller read the object (s3:GetObject on it), or deploy the release wanted with dagger call release", err)
		}
		switch {
		case r.TaskDefinition == current, undone[shortTaskDefinition(r.TaskDefinition)]:
		default:
			return *r, nil
		}
	}
	msg := fmt.Sprintf("deployment group %q has no earlier release to roll back to: none of its %d finished deployments", t.DeploymentGroup, len(hist))
	if given != nil {
		msg += " before " + given.ID
	}
	msg += fmt.Sprintf(" succeeded with a task definition other than the one service %q runs (%s)", t.Service, current)
	return Report{}, fmt.Errorf("%s — deploy a fixed release instead", msg)
}

// newestReleaseStuck refuses a rollback when the newest release (not a
// CodeDeploy rollback) ended Failed or Stopped on a task definition that
// is not the current one: CodeDeploy already put the previous release back.
func newestReleaseStuck(hist []Report, current string, t Target) error {
	for _, r := range hist {
		if isCodeDeployRollback(r) {
			continue
		}
		if r.Status == string(cdtypes.DeploymentStatusSucceeded) || r.TaskDefinition == current {
			return nil
		}
		undo := "CodeDeploy kept the original task set"
		if r.RollbackDeploymentID != "" {
			undo = "CodeDeploy rolled it back with deployment " + r.RollbackDeploymentID
		}
		msg := fmt.Sprintf("the latest release, deployment %s (%s), ended %s and %s; service %q runs %s again, so that release is already undone",
			r.ID, shortTaskDefinition(r.TaskDefinition), r.Status, undo, t.Service, shortTaskDefinition(current))
		for _, s := range hist {
			if s.Status == string(cdtypes.DeploymentStatusSucceeded) && s.TaskDefinition == current && !isCodeDeployRollback(s) {
				return fmt.Errorf("%s; to roll back the release it runs as well, pass --deployment-id %s", msg, s.ID)
			}
		}
		return fmt.Errorf("%s; nothing more to roll back", msg)
	}
	return nil
}

func isCodeDeployRollback(r Report) bool {
	return r.RollbackOf != "" || r.Creator == string(cdtypes.DeploymentCreatorCodeDeployRollback)
}

// rolledBackFromPattern reads the task definition a rollback replaced from
// the description redeployServed writes ("… family:3 → family:1, …").
var rolledBackFromPattern = regexp.MustCompile(`\] ([A-Za-z0-9_-]+:[0-9]+) → `)

func rolledBackFrom(description string) string {
	if m := rolledBackFromPattern.FindStringSubmatch(description); m != nil {
		return m[1]
	}
	return ""
}

// shortTaskDefinition is family:revision of an ARN (the ARN when it is not
// one; "an unrecorded task definition" when the deployment's revision did
// not name one).
func shortTaskDefinition(arn string) string {
	if arn == "" {
		return "an unrecorded task definition"
	}
	if _, rest, ok := strings.Cut(arn, ":task-definition/"); ok {
		return rest
	}
	return arn
}
