package deploy

import (
	"time"

	"dagger/ecs-bluegreen/internal/codedeployfake"
)

// info is GetDeployment's deploymentInfo for the scripted deployment in phase p.
func (s *scriptedCodeDeploy) info(p phase) map[string]any {
	t0 := s.clock.start
	d := map[string]any{
		"deploymentId":                       s.id,
		"applicationName":                    s.app,
		"deploymentGroupName":                s.group,
		"status":                             p.Status,
		"computePlatform":                    "ECS",
		"createTime":                         codedeployfake.Epoch(t0.Add(s.createOffset())),
		"description":                        s.describe(),
		"instanceTerminationWaitTimeStarted": p.TermWait,
	}
	if p.Status != "Created" && p.Status != "Queued" {
		d["startTime"] = codedeployfake.Epoch(t0.Add(time.Second))
	}
	if p.Status == "Succeeded" || p.Status == "Failed" || p.Status == "Stopped" {
		d["completeTime"] = codedeployfake.Epoch(t0.Add(p.At))
	}
	if c := s.appSpec; c != "" || s.revisionARN != "" {
		if c == "" {
			c = appSpecFor(s.revisionARN)
		}
		d["revision"] = map[string]any{"revisionType": "AppSpecContent", "appSpecContent": map[string]any{"content": c, "sha256": SHA256Hex(c)}}
	}
	if p.ErrCode != "" {
		d["errorInformation"] = map[string]any{"code": p.ErrCode, "message": p.ErrMsg}
	}
	if p.RollbackID != "" || p.RollbackMsg != "" || p.RollbackOf != "" {
		d["rollbackInfo"] = map[string]any{"rollbackDeploymentId": p.RollbackID, "rollbackMessage": p.RollbackMsg, "rollbackTriggeringDeploymentId": p.RollbackOf}
	}
	switch {
	case s.creator != "":
		d["creator"] = s.creator
	case p.RollbackOf != "":
		d["creator"] = "codeDeployRollback"
	default:
		d["creator"] = "user"
	}
	bg := map[string]any{}
	if p.ReadyAction != "" {
		bg["deploymentReadyOption"] = map[string]any{"actionOnTimeout": p.ReadyAction, "waitTimeInMinutes": p.ReadyWait}
	}
	if s.settings.TerminationWait > 0 {
		bg["terminateBlueInstancesOnDeploymentSuccess"] = map[string]any{"action": "TERMINATE", "terminationWaitTimeInMinutes": int(s.settings.TerminationWait / time.Minute)}
	}
	if len(bg) > 0 {
		d["blueGreenDeploymentConfiguration"] = bg
	}
	return d
}

func (s *scriptedCodeDeploy) target(p phase) map[string]any {
	var events []any
	for i, name := range codedeployfake.LifecycleEvents {
		st := "Pending"
		if i < len(p.Events) {
			st = p.Events[i]
		}
		e := map[string]any{"lifecycleEventName": name, "status": st}
		if st != "Pending" {
			e["startTime"] = codedeployfake.Epoch(s.clock.start.Add(time.Duration(i+1) * time.Second))
		}
		if st == "Succeeded" && name == "AfterAllowTraffic" && (p.TermWait || p.Status == "Baking") {
			// The termination wait starts when the last traffic event ends.
			e["endTime"] = codedeployfake.Epoch(s.clock.start.Add(p.At))
		}
		if st == "Failed" {
			e["diagnostics"] = map[string]any{"errorCode": p.Diagnostic[0], "message": p.Diagnostic[1]}
		}
		events = append(events, e)
	}
	status := p.TargetStatus
	if status == "" {
		status = p.Status
	}
	t := map[string]any{
		"deploymentId":    s.id,
		"targetId":        "webapp-cluster:webapp",
		"targetArn":       "arn:aws:ecs:us-east-1:123456789012:service/webapp-cluster/webapp",
		"status":          status,
		"lifecycleEvents": events,
		"lastUpdatedAt":   codedeployfake.Epoch(s.clock.Now()),
	}
	if p.TaskSets {
		t["taskSetsInfo"] = []any{
			map[string]any{"identifer": "ecs-svc/1", "taskSetLabel": "Blue", "trafficWeight": 100 - p.Green, "desiredCount": 2, "runningCount": 2, "status": "PRIMARY"},
			map[string]any{"identifer": "ecs-svc/2", "taskSetLabel": "Green", "trafficWeight": p.Green, "desiredCount": 2, "runningCount": 2, "status": "ACTIVE"},
		}
	}
	return t
}
