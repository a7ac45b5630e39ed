package deploy

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/codedeployfake"
)

// pastDeployment is another deployment of the scripted group: what the
// group's history holds besides the scripted deployment itself.
type pastDeployment struct {
	ID     string
	Status string
	// Creator is user (default), codeDeployRollback, CodePipeline, …
	Creator     string
	Description string
	// TaskDef is the task definition its inline AppSpec names; AppSpec, when
	// set, is the whole AppSpec instead.
	TaskDef, AppSpec string
	// Created is its creation time as an offset from the fake clock's start
	// (negative: before the test began).
	Created time.Duration
	// RollbackOf is the deployment it rolled back (CodeDeploy's rollbacks).
	RollbackOf string
	// S3, when set, makes its revision an AppSpec object in S3 instead of
	// an inline one (see scripted_ecs_test.go).
	S3 *s3Revision
	// EndStatus, when set, is its status from offset EndsAt on (a rollback
	// deployment CodeDeploy started, finishing while it is followed).
	EndStatus string
	EndsAt    time.Duration
}

// status is p's status at the fake clock's offset now.
func (p pastDeployment) status(now time.Duration) string {
	if p.EndStatus != "" && now >= p.EndsAt {
		return p.EndStatus
	}
	return p.Status
}

// groupSettings is the scripted deployment group's schedule.
type groupSettings struct {
	// Config is the deployment configuration name (default
	// CodeDeployDefault.ECSAllAtOnce).
	Config string
	// Canary is a custom config's time-based canary interval; GetDeploymentConfig
	// answers it for any name not starting with CodeDeployDefault.
	Canary time.Duration
	// TerminationWait is how long the original task set is kept after the shift.
	TerminationWait time.Duration
}

// exists reports whether the scripted deployment has been created.
func (s *scriptedCodeDeploy) exists() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.awaitCreate || s.createdAt != nil
}

func (s *scriptedCodeDeploy) knows(id string) bool {
	if _, ok := s.past(id); ok {
		return true
	}
	return id == s.id && s.exists()
}

func (s *scriptedCodeDeploy) past(id string) (pastDeployment, bool) {
	for _, p := range s.history {
		if p.ID == id {
			return p, true
		}
	}
	return pastDeployment{}, false
}

// newest is the group's newest deployment, the scripted one once created.
func (s *scriptedCodeDeploy) newest() (string, bool) {
	if s.exists() {
		return s.id, true
	}
	id, at := "", time.Duration(math.MinInt64)
	for _, p := range s.history {
		if p.Created > at {
			id, at = p.ID, p.Created
		}
	}
	return id, id != ""
}

// activePast returns a deployment of the history still in flight.
func (s *scriptedCodeDeploy) activePast() (string, bool) {
	for _, p := range s.history {
		if isActive(p.status(s.clock.offset())) {
			return p.ID, true
		}
	}
	return "", false
}

func (s *scriptedCodeDeploy) createOffset() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.createdAt != nil {
		return *s.createdAt
	}
	return 0
}

func (s *scriptedCodeDeploy) describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.description == "" && !s.awaitCreate {
		return "release abc123"
	}
	return s.description
}

func (s *scriptedCodeDeploy) pastInfo(p pastDeployment) map[string]any {
	t0 := s.clock.start
	creator := p.Creator
	if creator == "" {
		creator = "user"
	}
	d := map[string]any{
		"deploymentId":        p.ID,
		"applicationName":     s.app,
		"deploymentGroupName": s.group,
		"status":              p.status(s.clock.offset()),
		"computePlatform":     "ECS",
		"creator":             creator,
		"description":         p.Description,
		"createTime":          codedeployfake.Epoch(t0.Add(p.Created)),
		"startTime":           codedeployfake.Epoch(t0.Add(p.Created + time.Second)),
	}
	if !isActive(p.status(s.clock.offset())) {
		d["completeTime"] = codedeployfake.Epoch(t0.Add(p.Created + 10*time.Minute))
	}
	switch c := p.AppSpec; {
	case p.S3 != nil:
		d["revision"] = p.S3.revision()
	case c != "" || p.TaskDef != "":
		if c == "" {
			c = appSpecFor(p.TaskDef)
		}
		d["revision"] = map[string]any{"revisionType": "AppSpecContent", "appSpecContent": map[string]any{"content": c, "sha256": SHA256Hex(c)}}
	}
	if p.RollbackOf != "" {
		d["rollbackInfo"] = map[string]any{"rollbackTriggeringDeploymentId": p.RollbackOf, "rollbackMessage": "rollback of " + p.RollbackOf}
	}
	return d
}

// list answers ListDeployments: the scripted deployment (once it exists)
// and the history, filtered by group and statuses, oldest history first (the
// API promises no order).
func (s *scriptedCodeDeploy) list(in map[string]any) []string {
	ids := []string{}
	if in["applicationName"] != s.app || in["deploymentGroupName"] != s.group {
		return ids
	}
	want := map[string]bool{}
	if sts, ok := in["includeOnlyStatuses"].([]any); ok {
		for _, st := range sts {
			want[fmt.Sprint(st)] = true
		}
	}
	keep := func(status string) bool { return len(want) == 0 || want[status] }
	for _, p := range s.history {
		if keep(p.status(s.clock.offset())) {
			ids = append(ids, p.ID)
		}
	}
	if s.exists() && keep(s.current().Status) {
		ids = append(ids, s.id)
	}
	return ids
}

// serveHistory answers the calls about the group rather than the scripted
// deployment; it reports whether it answered.
func (s *scriptedCodeDeploy) serveHistory(w http.ResponseWriter, op string, in map[string]any, fail func(int, string, string)) bool {
	var out any
	switch op {
	case "BatchGetDeployments":
		infos := []any{}
		ids, _ := in["deploymentIds"].([]any)
		if len(ids) > 25 {
			fail(400, "BatchLimitExceededException", "more than 25 deployment ids")
			return true
		}
		for _, id := range ids {
			if p, ok := s.past(fmt.Sprint(id)); ok {
				infos = append(infos, s.pastInfo(p))
			} else if fmt.Sprint(id) == s.id && s.exists() {
				infos = append(infos, s.info(s.current()))
			}
		}
		out = map[string]any{"deploymentsInfo": infos}
	case "GetDeploymentGroup":
		g := s.settings
		if g.Config == "" {
			g.Config = "CodeDeployDefault.ECSAllAtOnce"
		}
		info := map[string]any{
			"applicationName": s.app, "deploymentGroupName": s.group, "deploymentConfigName": g.Config, "computePlatform": "ECS",
			"blueGreenDeploymentConfiguration": map[string]any{
				"deploymentReadyOption":                     map[string]any{"actionOnTimeout": "CONTINUE_DEPLOYMENT", "waitTimeInMinutes": 0},
				"terminateBlueInstancesOnDeploymentSuccess": map[string]any{"action": "TERMINATE", "terminationWaitTimeInMinutes": int(g.TerminationWait / time.Minute)},
			},
		}
		// lastAttemptedDeployment names the group's newest deployment
		// (CodeDeploy API Reference, DeploymentGroupInfo).
		if id, ok := s.newest(); ok {
			info["lastAttemptedDeployment"] = map[string]any{"deploymentId": id}
		}
		out = map[string]any{"deploymentGroupInfo": info}
	case "GetDeploymentConfig":
		out = map[string]any{"deploymentConfigInfo": map[string]any{
			"deploymentConfigName": in["deploymentConfigName"], "computePlatform": "ECS",
			"trafficRoutingConfig": map[string]any{"type": "TimeBasedCanary", "timeBasedCanary": map[string]any{"canaryPercentage": 10, "canaryInterval": int(s.settings.Canary / time.Minute)}},
		}}
	default:
		return false
	}
	if s.maybeDrop(w, op) {
		return true
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	codedeployfake.WriteJSON(w, out)
	return true
}

// maybeDrop resets the connection instead of answering, as a lost response
// looks to the client; it reports whether it did.
func (s *scriptedCodeDeploy) maybeDrop(w http.ResponseWriter, op string) bool {
	s.mu.Lock()
	n := s.dropResponses[op]
	if n > 0 {
		s.dropResponses[op] = n - 1
	}
	s.mu.Unlock()
	if n == 0 {
		return false
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		s.t.Errorf("hijacking the connection: %v", err)
		return false
	}
	_ = conn.Close()
	return true
}

// onlyCreated checks that exactly one deployment was created, with an inline
// AppSpec for taskDef and its SHA-256, and returns its description.
func (s *scriptedCodeDeploy) onlyCreated(t *testing.T, taskDef string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 1 {
		t.Fatalf("CreateDeployment calls = %d, want 1", len(s.created))
	}
	rev, _ := s.created[0]["revision"].(map[string]any)
	asc, _ := rev["appSpecContent"].(map[string]any)
	content, _ := asc["content"].(string)
	if rev["revisionType"] != "AppSpecContent" || !strings.Contains(content, taskDef) || asc["sha256"] != SHA256Hex(content) {
		t.Fatalf("CreateDeployment revision = %v, want an inline AppSpec for %s with its SHA-256", rev, taskDef)
	}
	d, _ := s.created[0]["description"].(string)
	return d
}
