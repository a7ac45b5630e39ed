package ecsfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The service-deployment operations, answered from the stand-in's state.

func (s *Server) listServiceDeployments(_ *http.Request, body []byte) (any, *apiError) {
	var in struct {
		Service    string   `json:"service"`
		Cluster    string   `json:"cluster"`
		Status     []string `json:"status"`
		MaxResults *int     `json:"maxResults"`
		NextToken  string   `json:"nextToken"`
		CreatedAt  *struct {
			Before *float64 `json:"before"`
			After  *float64 `json:"after"`
		} `json:"createdAt"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, clientError("SerializationException", "%v", err)
	}
	if in.Service == "" {
		return nil, invalidParameter("service is required")
	}
	limit := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, invalidParameter("maxResults %d is out of range; valid values are 1 to 100", *in.MaxResults)
		}
		limit = *in.MaxResults
	}
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(in.NextToken)
		if err != nil || n < 0 {
			return nil, invalidParameter("nextToken %q is not valid", in.NextToken)
		}
		start = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	svc := s.lookup(in.Cluster, in.Service)
	if svc == nil {
		return nil, clientError("ServiceNotFoundException", "Service not found.")
	}
	var briefs []map[string]any
	// ECS documents no order: the stand-in lists in creation order, oldest
	// first, so that code assuming newest first fails here.
	for _, d := range svc.deployments {
		if len(in.Status) > 0 && !slices.Contains(in.Status, d.status) {
			continue
		}
		if c := in.CreatedAt; c != nil {
			at := epoch(d.createdAt)
			if (c.Before != nil && at >= *c.Before) || (c.After != nil && at <= *c.After) {
				continue
			}
		}
		briefs = append(briefs, d.brief())
	}
	out := map[string]any{}
	if start < len(briefs) {
		end := min(start+limit, len(briefs))
		out["serviceDeployments"] = briefs[start:end]
		if end < len(briefs) {
			out["nextToken"] = strconv.Itoa(end)
		}
	} else {
		out["serviceDeployments"] = []any{}
	}
	return out, nil
}

func (s *Server) describeServiceDeployments(_ *http.Request, body []byte) (any, *apiError) {
	arns, e := describedArns(body, "serviceDeploymentArns", "service deployments")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	found, failures := []any{}, []any{}
	for _, arn := range arns {
		d := s.byArn[arn]
		if d == nil {
			failures = append(failures, map[string]any{"arn": arn, "reason": "MISSING"})
			continue
		}
		found = append(found, d.describe())
	}
	return map[string]any{"serviceDeployments": found, "failures": failures}, nil
}

func (s *Server) stopServiceDeployment(_ *http.Request, body []byte) (any, *apiError) {
	var in struct {
		ServiceDeploymentArn string `json:"serviceDeploymentArn"`
		StopType             string `json:"stopType"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, clientError("SerializationException", "%v", err)
	}
	stopType, e := oneOf("stopType", in.StopType, "ROLLBACK", "ABORT")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, e := s.deploymentNamed(in.ServiceDeploymentArn)
	if e != nil {
		return nil, e
	}
	switch d.status {
	case "PENDING", "IN_PROGRESS":
	case "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS":
		// Already stopping or rolling back: ECS accepts the request and the
		// stop under way goes on unchanged.
		return map[string]any{"serviceDeploymentArn": d.arn}, nil
	default:
		return nil, clientError("ConflictException", "The service deployment is in status %s and cannot be stopped.", d.status)
	}
	now := s.clock.Now()
	d.stopRequestedAt, d.updated = now, now
	if stopType == "ROLLBACK" {
		if d.source == nil {
			return nil, clientError("ConflictException", "The service deployment has no source service revision to roll back to.")
		}
		d.status, d.rollbackReason = "ROLLBACK_REQUESTED", "Service deployment rolled back by StopServiceDeployment."
		d.reason = d.rollbackReason
	} else {
		d.status, d.reason = "STOP_REQUESTED", "Service deployment stopped by StopServiceDeployment."
	}
	return map[string]any{"serviceDeploymentArn": d.arn}, nil
}

func (s *Server) continueServiceDeployment(_ *http.Request, body []byte) (any, *apiError) {
	var in struct {
		ServiceDeploymentArn string `json:"serviceDeploymentArn"`
		HookID               string `json:"hookId"`
		Action               string `json:"action"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, clientError("SerializationException", "%v", err)
	}
	if in.HookID == "" {
		return nil, invalidParameter("hookId is required")
	}
	action, e := oneOf("action", in.Action, "CONTINUE", "ROLLBACK")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, e := s.deploymentNamed(in.ServiceDeploymentArn)
	if e != nil {
		return nil, e
	}
	var hook *hookDetail
	for _, h := range d.hooks {
		if h.id == in.HookID {
			hook = h
		}
	}
	if d.status != "IN_PROGRESS" || hook == nil || hook.status != "AWAITING_ACTION" {
		return nil, invalidParameter("lifecycle hook %s of service deployment %s is not awaiting action", in.HookID, d.arn)
	}
	now := s.clock.Now()
	hook.status, d.updated = "SUCCEEDED", now
	if action == "ROLLBACK" {
		s.startRollback(d, now, "Rolled back by ContinueServiceDeployment at lifecycle hook "+hook.id+".")
	} else if !d.awaiting() {
		d.stepStart = now
	}
	return map[string]any{"serviceDeploymentArn": d.arn}, nil
}

// describedArns reads the ARN list member of a Describe request, which
// takes 1 to 20 ARNs; what names them in the error.
func describedArns(body []byte, member, what string) ([]string, *apiError) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, clientError("SerializationException", "%v", err)
	}
	var arns []string
	if raw, ok := in[member]; ok {
		if err := json.Unmarshal(raw, &arns); err != nil {
			return nil, clientError("SerializationException", "%s: %v", member, err)
		}
	}
	if len(arns) == 0 || len(arns) > 20 {
		return nil, invalidParameter("%s must name 1 to 20 %s (got %d)", member, what, len(arns))
	}
	return arns, nil
}

// deploymentNamed finds a deployment by ARN. The caller holds s.mu.
func (s *Server) deploymentNamed(arn string) (*deployment, *apiError) {
	if d := s.byArn[arn]; d != nil {
		return d, nil
	}
	return nil, clientError("ServiceDeploymentNotFoundException", "The service deployment %s does not exist.", arn)
}

// oneOf returns value, or def when it is empty, if it is among allowed
// (def first).
func oneOf(name, value, def string, others ...string) (string, *apiError) {
	allowed := append([]string{def}, others...)
	if value == "" {
		return def, nil
	}
	if !slices.Contains(allowed, value) {
		return "", invalidParameter("%s %q is not valid; valid values are %s", name, value, strings.Join(allowed, ", "))
	}
	return value, nil
}
