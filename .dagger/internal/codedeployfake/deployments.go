package codedeployfake

import (
	"regexp"
	"slices"
	"strconv"
	"time"
)

// eventState is one lifecycle event of a deployment's target.
type eventState struct {
	status     string
	start, end time.Time
}

// deployment is one deployment of a group, with where its lifecycle stands.
type deployment struct {
	id          string
	group       *group
	config      deploymentConfig
	status      string // InProgress, Ready, Baking, Succeeded, Stopped
	creator     string
	description string
	revision    map[string]any
	taskDef     string // the AppSpec's task definition, "" when unknown
	created     time.Time
	completed   time.Time

	step      int // index in LifecycleEvents of the running event
	stepStart time.Time
	events    []eventState
	waitSince time.Time // the ready wait's or the termination wait's start

	// original and replacement are the target group ARNs; green is the
	// replacement's share of production traffic in percent.
	original, replacement string
	green                 float64
	applied               float64 // the share last written to moto
	previousTaskDef       string  // what the service ran before

	// rollbackOf is the deployment this one rolls back (a rollback
	// deployment); rolledBackBy is the rollback that undid this one.
	rollbackOf, rolledBackBy string
	errCode, errMsg          string
}

func (d *deployment) active() bool {
	return d.status == "Created" || d.status == "Queued" || d.status == "InProgress" || d.status == "Ready" || d.status == "Baking"
}

func (d *deployment) summary() map[string]any {
	return map[string]any{"deploymentId": d.id, "status": d.status, "createTime": Epoch(d.created)}
}

// appSpecTaskDefinition finds the TaskDefinition an inline AppSpec (YAML or
// JSON) names.
var appSpecTaskDefinition = regexp.MustCompile(`TaskDefinition["']?\s*:\s*["']?([^"'\s,}]+)`)

func (s *Server) createDeployment(in map[string]any) (any, *APIError) {
	g, err := s.deploymentGroup(str(in["applicationName"]), str(in["deploymentGroupName"]))
	if err != nil {
		return nil, err
	}
	rev, _ := in["revision"].(map[string]any)
	if rev == nil {
		return nil, invalid("RevisionRequiredException", "The revision ID was not specified.")
	}
	taskDef := ""
	switch str(rev["revisionType"]) {
	case "AppSpecContent":
		asc, _ := rev["appSpecContent"].(map[string]any)
		m := appSpecTaskDefinition.FindStringSubmatch(str(asc["content"]))
		if m == nil {
			return nil, invalid("InvalidRevisionException", "the AppSpec content names no TaskDefinition")
		}
		taskDef = m[1]
	case "S3":
	default:
		return nil, invalid("InvalidRevisionException", "revisionType %q: an ECS deployment takes AppSpecContent or S3", str(rev["revisionType"]))
	}
	cfgName := str(in["deploymentConfigName"])
	if cfgName == "" {
		cfgName = g.config
	}
	cfg, ok := s.configs[cfgName]
	if !ok {
		return nil, invalid("DeploymentConfigDoesNotExistException", "The deployment configuration %s does not exist with the IAM user or AWS account.", cfgName)
	}
	for _, d := range s.order {
		if d.group == g && d.active() {
			return nil, invalid("DeploymentLimitExceededException", "The Deployment Group '%s' already has an active Deployment '%s'", g.name, d.id)
		}
	}
	original, replacement, apiErr := s.targetGroupsOf(g)
	if apiErr != nil {
		return nil, apiErr
	}
	d := &deployment{
		id: s.newID("d"), group: g, config: cfg, status: "InProgress", creator: "user",
		description: str(in["description"]), revision: rev, taskDef: taskDef, created: s.now(),
		original: original, replacement: replacement, previousTaskDef: s.serviceTaskDefinition(g),
	}
	s.begin(d)
	return map[string]any{"deploymentId": d.id}, nil
}

// now is the clock's time, never equal to the newest deployment's creation:
// two deployments a millisecond apart still sort.
func (s *Server) now() time.Time {
	t := s.clock.Now()
	if n := len(s.order); n > 0 && !t.After(s.order[n-1].created) {
		t = s.order[n-1].created.Add(time.Millisecond)
	}
	return t
}

// begin records d and starts its first lifecycle event.
func (s *Server) begin(d *deployment) {
	d.events = make([]eventState, len(LifecycleEvents))
	for i := range d.events {
		d.events[i].status = "Pending"
	}
	d.step, d.stepStart = 0, d.created
	d.events[0] = eventState{status: "InProgress", start: d.created}
	s.order = append(s.order, d)
	s.byID[d.id] = d
}

func (s *Server) deployment(in map[string]any) (*deployment, *APIError) {
	id := str(in["deploymentId"])
	if id == "" {
		return nil, invalid("DeploymentIdRequiredException", "At least one deployment ID must be specified.")
	}
	d, ok := s.byID[id]
	if !ok {
		return nil, invalid("DeploymentDoesNotExistException", "The deployment %s could not be found.", id)
	}
	return d, nil
}

func (s *Server) getDeployment(in map[string]any) (any, *APIError) {
	d, err := s.deployment(in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentInfo": s.info(d)}, nil
}

func (s *Server) batchGetDeployments(in map[string]any) (any, *APIError) {
	ids, _ := in["deploymentIds"].([]any)
	if len(ids) > 25 {
		return nil, invalid("BatchLimitExceededException", "The maximum number of deployment IDs (25) was exceeded: %d given.", len(ids))
	}
	infos := []any{}
	for _, id := range ids {
		if d, ok := s.byID[str(id)]; ok {
			infos = append(infos, s.info(d))
		}
	}
	return map[string]any{"deploymentsInfo": infos}, nil
}

const listPage = 100

func (s *Server) listDeployments(in map[string]any) (any, *APIError) {
	app, grp := str(in["applicationName"]), str(in["deploymentGroupName"])
	var g *group
	switch {
	case app != "" && grp != "":
		var err *APIError
		if g, err = s.deploymentGroup(app, grp); err != nil {
			return nil, err
		}
	case app != "" || grp != "":
		return nil, invalid("InvalidInputException", "applicationName and deploymentGroupName go together: got %q and %q", app, grp)
	}
	statuses := map[string]bool{}
	list, _ := in["includeOnlyStatuses"].([]any)
	for _, st := range list {
		statuses[str(st)] = true
	}
	var from, to float64
	if r, ok := in["createTimeRange"].(map[string]any); ok {
		from, to = num(r["start"]), num(r["end"])
	}
	ids := []string{}
	for _, d := range s.order {
		c := Epoch(d.created)
		if (g != nil && d.group != g) || (len(statuses) > 0 && !statuses[d.status]) || (from > 0 && c < from) || (to > 0 && c > to) {
			continue
		}
		ids = append(ids, d.id)
	}
	start := 0
	if tok := str(in["nextToken"]); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(ids) {
			return nil, invalid("InvalidNextTokenException", "The next token %q is not valid.", tok)
		}
		start = n
	}
	out := map[string]any{"deployments": ids[start:min(start+listPage, len(ids))]}
	if start+listPage < len(ids) {
		out["nextToken"] = strconv.Itoa(start + listPage)
	}
	return out, nil
}

func (s *Server) stopDeployment(in map[string]any) (any, *APIError) {
	d, err := s.deployment(in)
	if err != nil {
		return nil, err
	}
	if !d.active() {
		return nil, invalid("DeploymentAlreadyCompletedException", "The deployment %s is already completed (%s).", d.id, d.status)
	}
	rollback := d.group.rollbackStop
	if v, ok := in["autoRollbackEnabled"].(bool); ok {
		rollback = v
	}
	now := s.clock.Now()
	d.status, d.completed = "Stopped", now
	d.errCode, d.errMsg = "DEPLOYMENT_STOPPED", "the deployment was stopped by a StopDeployment request"
	for i := range d.events {
		if d.events[i].status == "InProgress" {
			d.events[i] = eventState{status: "Skipped", start: d.events[i].start, end: now}
		}
	}
	if rollback && d.rollbackOf == "" {
		s.startRollback(d)
	}
	return map[string]any{"status": "Succeeded", "statusMessage": "The deployment was stopped."}, nil
}

// startRollback creates the deployment that puts the original task set
// back, as CodeDeploy does for a stopped deployment with rollback.
func (s *Server) startRollback(d *deployment) {
	r := &deployment{
		id: s.newID("d"), group: d.group, config: s.configs["CodeDeployDefault.ECSAllAtOnce"], status: "InProgress",
		creator: "codeDeployRollback", description: "rollback of " + d.id, created: s.now(), taskDef: d.previousTaskDef,
		original: d.replacement, replacement: d.original, previousTaskDef: d.taskDef, rollbackOf: d.id,
		green: 100,
	}
	for i := len(s.order) - 1; i >= 0; i-- {
		if p := s.order[i]; p.group == d.group && p.status == "Succeeded" {
			r.revision = p.revision
			break
		}
	}
	d.rolledBackBy = r.id
	s.begin(r)
	s.applyTraffic(r) // the traffic goes back at once
}

func (s *Server) continueDeployment(in map[string]any) (any, *APIError) {
	d, err := s.deployment(in)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	switch wait := str(in["deploymentWaitType"]); {
	case (wait == "" || wait == "READY_WAIT") && d.status == "Ready":
		s.nextStep(d, now)
	case wait == "TERMINATION_WAIT" && d.status == "Baking":
		s.succeed(d, now)
	case !slices.Contains([]string{"", "READY_WAIT", "TERMINATION_WAIT"}, wait):
		return nil, invalid("InvalidDeploymentWaitTypeException", "deploymentWaitType %q is not valid; valid values are READY_WAIT, TERMINATION_WAIT", wait)
	default:
		return nil, invalid("DeploymentIsNotInReadyStateException", "The deployment %s is %s: nothing waits for %s.", d.id, d.status, wait)
	}
	return map[string]any{}, nil
}
