package codedeployfake

import (
	"fmt"
	"strings"
)

// info is d as GetDeployment's deploymentInfo.
func (s *Server) info(d *deployment) map[string]any {
	g := d.group
	out := map[string]any{
		"deploymentId":         d.id,
		"applicationName":      g.app,
		"deploymentGroupName":  g.name,
		"deploymentConfigName": d.config.name,
		"status":               d.status,
		"computePlatform":      "ECS",
		"creator":              d.creator,
		"description":          d.description,
		"createTime":           Epoch(d.created),
		"startTime":            Epoch(d.created),
		"deploymentStyle":      map[string]any{"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
		"blueGreenDeploymentConfiguration": map[string]any{
			"deploymentReadyOption":                     map[string]any{"actionOnTimeout": g.readyAction, "waitTimeInMinutes": g.readyWait},
			"terminateBlueInstancesOnDeploymentSuccess": map[string]any{"action": "TERMINATE", "terminationWaitTimeInMinutes": g.termWait},
		},
		// CodeDeploy leaves this false for ECS deployments, also while it
		// waits to terminate the original task set (status Baking).
		"instanceTerminationWaitTimeStarted": false,
	}
	if d.revision != nil {
		out["revision"] = d.revision
	}
	if !d.active() {
		out["completeTime"] = Epoch(d.completed)
	}
	if d.errCode != "" {
		out["errorInformation"] = map[string]any{"code": d.errCode, "message": d.errMsg}
	}
	switch {
	case d.rollbackOf != "":
		out["rollbackInfo"] = map[string]any{"rollbackTriggeringDeploymentId": d.rollbackOf, "rollbackMessage": "Rollback of deployment " + d.rollbackOf}
	case d.rolledBackBy != "":
		out["rollbackInfo"] = map[string]any{"rollbackDeploymentId": d.rolledBackBy, "rollbackMessage": "Deployment " + d.rolledBackBy + " rolled this deployment back"}
	}
	return out
}

// targetID is the one target of an ECS deployment: cluster:service.
func (d *deployment) targetID() string { return d.group.cluster + ":" + d.group.service }

func (s *Server) listDeploymentTargets(in map[string]any) (any, *APIError) {
	d, err := s.deployment(in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"targetIds": []string{d.targetID()}}, nil
}

func (s *Server) batchGetDeploymentTargets(in map[string]any) (any, *APIError) {
	d, err := s.deployment(in)
	if err != nil {
		return nil, err
	}
	ids, _ := in["targetIds"].([]any)
	out := []any{}
	for _, id := range ids {
		if str(id) != d.targetID() {
			return nil, invalid("DeploymentTargetDoesNotExistException", "The target %v of deployment %s does not exist.", id, d.id)
		}
		out = append(out, map[string]any{"deploymentTargetType": "ECSTarget", "ecsTarget": s.target(d)})
	}
	return map[string]any{"deploymentTargets": out}, nil
}

func (s *Server) getDeploymentTarget(in map[string]any) (any, *APIError) {
	d, err := s.deployment(in)
	if err != nil {
		return nil, err
	}
	if id := str(in["targetId"]); id != d.targetID() {
		return nil, invalid("DeploymentTargetDoesNotExistException", "The target %s of deployment %s does not exist.", id, d.id)
	}
	return map[string]any{"deploymentTarget": map[string]any{"deploymentTargetType": "ECSTarget", "ecsTarget": s.target(d)}}, nil
}

// target is d's ECSTarget: its lifecycle events and the two task sets.
func (s *Server) target(d *deployment) map[string]any {
	events := []any{}
	for i, e := range d.events {
		ev := map[string]any{"lifecycleEventName": LifecycleEvents[i], "status": e.status}
		if !e.start.IsZero() {
			ev["startTime"] = Epoch(e.start)
		}
		if !e.end.IsZero() {
			ev["endTime"] = Epoch(e.end)
		}
		events = append(events, ev)
	}
	status := d.status
	switch d.status {
	case "Baking":
		status = "Succeeded" // every event is done; only the original task set waits
	case "Stopped":
		status = "Failed"
	}
	g := d.group
	return map[string]any{
		"deploymentId":    d.id,
		"targetId":        d.targetID(),
		"targetArn":       fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:service/%s/%s", g.cluster, g.service),
		"status":          status,
		"lastUpdatedAt":   Epoch(s.clock.Now()),
		"lifecycleEvents": events,
		"taskSetsInfo": []any{
			taskSet(d.id+"-blue", "Blue", "PRIMARY", 100-d.green, d.original),
			taskSet(d.id+"-green", "Green", "ACTIVE", d.green, d.replacement),
		},
	}
}

func taskSet(id, label, status string, weight float64, tgArn string) map[string]any {
	// "identifer" is CodeDeploy's own spelling of the key.
	return map[string]any{"identifer": id, "taskSetLabel": label, "status": status, "trafficWeight": weight,
		"desiredCount": 2, "runningCount": 2, "pendingCount": 0, "targetGroup": map[string]any{"name": targetGroupName(tgArn)}}
}

// targetGroupName is the name in a target group ARN
// (…:targetgroup/<name>/<id>).
func targetGroupName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":targetgroup/")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}
