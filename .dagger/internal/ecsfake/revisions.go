package ecsfake

import (
	"encoding/json"
	"net/http"
)

// describeServiceRevisions answers DescribeServiceRevisions for the
// revisions the stand-in minted: their task definition and the images its
// containers run (read from moto), and a MISSING failure for any other ARN.
func (s *Server) describeServiceRevisions(_ *http.Request, body []byte) (any, *apiError) {
	arns, e := describedArns(body, "serviceRevisionArns", "service revisions")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	var found []*revision
	var revs []map[string]any
	failures := []any{}
	for _, arn := range arns {
		rev := s.revisions[arn]
		if rev == nil {
			failures = append(failures, map[string]any{"arn": arn, "reason": "MISSING"})
			continue
		}
		found, revs = append(found, rev), append(revs, rev.describe())
	}
	s.mu.Unlock()
	// moto is asked without the lock; a revision's task definition never
	// changes.
	out := make([]any, 0, len(revs))
	for i, rev := range found {
		images, err := s.containerImages(rev)
		if err != nil {
			return nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: err.Error()}
		}
		revs[i]["containerImages"] = images
		out = append(out, revs[i])
	}
	return map[string]any{"serviceRevisions": out, "failures": failures}, nil
}

// containerImages lists the containers of rev's task definition and their
// images, as ECS reports them on a revision. The stand-in runs no tasks, so
// no image digest is resolved.
func (s *Server) containerImages(rev *revision) ([]any, error) {
	body, err := s.ecsAsk(rev.svc, "DescribeTaskDefinition", map[string]any{"taskDefinition": rev.taskDefinition})
	if err != nil {
		return nil, err
	}
	var out struct {
		TaskDefinition struct {
			ContainerDefinitions []struct {
				Name  string `json:"name"`
				Image string `json:"image"`
			} `json:"containerDefinitions"`
		} `json:"taskDefinition"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	images := []any{}
	for _, c := range out.TaskDefinition.ContainerDefinitions {
		images = append(images, map[string]any{"containerName": c.Name, "image": c.Image})
	}
	return images, nil
}

// describe is the DescribeServiceRevisions shape of rev, without its
// container images. The caller holds s.mu.
func (rev *revision) describe() map[string]any {
	m := map[string]any{
		"serviceRevisionArn": rev.arn,
		"serviceArn":         rev.svc.arn,
		"clusterArn":         rev.svc.clusterArn,
		"taskDefinition":     rev.taskDefinition,
		"launchType":         "FARGATE",
		"createdAt":          epoch(rev.created),
	}
	var lbs []any
	for i, lb := range rev.svc.loadBalancers {
		lbs = append(lbs, map[string]any{"targetGroupArn": rev.targetGroups[i], "containerName": lb.ContainerName, "containerPort": lb.ContainerPort})
	}
	if lbs != nil {
		m["loadBalancers"] = lbs
	}
	return m
}
