package codedeployfake

import "sort"

// group is a deployment group of an ECS application.
type group struct {
	app, name, id string
	config        string
	cluster       string
	service       string
	targetGroups  []string // names, as CodeDeploy takes them
	prodListeners []string
	testListeners []string
	readyAction   string // CONTINUE_DEPLOYMENT or STOP_DEPLOYMENT
	readyWait     int    // minutes
	termWait      int    // minutes
	rollbackStop  bool   // auto-rollback on DEPLOYMENT_STOP_ON_REQUEST
	raw           map[string]any
}

func (s *Server) createDeploymentGroup(in map[string]any) (any, *APIError) {
	a, err := s.application(str(in["applicationName"]))
	if err != nil {
		return nil, err
	}
	g := &group{app: a.name, name: str(in["deploymentGroupName"]), config: str(in["deploymentConfigName"]), raw: in, readyAction: "CONTINUE_DEPLOYMENT"}
	if g.name == "" {
		return nil, invalid("DeploymentGroupNameRequiredException", "The deployment group name was not specified.")
	}
	if _, ok := s.groups[a.name+"/"+g.name]; ok {
		return nil, invalid("DeploymentGroupAlreadyExistsException", "The deployment group %s already exists for application %s.", g.name, a.name)
	}
	if g.config == "" {
		g.config = "CodeDeployDefault.ECSAllAtOnce"
	}
	if _, ok := s.configs[g.config]; !ok {
		return nil, invalid("DeploymentConfigDoesNotExistException", "The deployment configuration %s does not exist with the IAM user or AWS account.", g.config)
	}
	if str(in["serviceRoleArn"]) == "" {
		return nil, invalid("RoleRequiredException", "The service role ARN was not specified.")
	}
	svcs, _ := in["ecsServices"].([]any)
	if len(svcs) != 1 {
		return nil, invalid("InvalidECSServiceException", "an ECS deployment group names exactly one ECS service (ecsServices), got %d", len(svcs))
	}
	svc, _ := svcs[0].(map[string]any)
	g.cluster, g.service = str(svc["clusterName"]), str(svc["serviceName"])
	if err := g.readLoadBalancer(in); err != nil {
		return nil, err
	}
	if bg, ok := in["blueGreenDeploymentConfiguration"].(map[string]any); ok {
		if r, ok := bg["deploymentReadyOption"].(map[string]any); ok {
			if a := str(r["actionOnTimeout"]); a != "" {
				g.readyAction = a
			}
			g.readyWait = int(num(r["waitTimeInMinutes"]))
		}
		if t, ok := bg["terminateBlueInstancesOnDeploymentSuccess"].(map[string]any); ok {
			g.termWait = int(num(t["terminationWaitTimeInMinutes"]))
		}
	}
	if r, ok := in["autoRollbackConfiguration"].(map[string]any); ok && r["enabled"] == true {
		evs, _ := r["events"].([]any)
		for _, e := range evs {
			g.rollbackStop = g.rollbackStop || e == "DEPLOYMENT_STOP_ON_REQUEST"
		}
	}
	g.id = s.newID("dg")
	s.groups[a.name+"/"+g.name] = g
	return map[string]any{"deploymentGroupId": g.id}, nil
}

// readLoadBalancer takes the target group pair and listeners of an ECS
// blue/green group.
func (g *group) readLoadBalancer(in map[string]any) *APIError {
	lb, _ := in["loadBalancerInfo"].(map[string]any)
	pairs, _ := lb["targetGroupPairInfoList"].([]any)
	if len(pairs) != 1 {
		return invalid("InvalidTargetGroupPairException", "an ECS blue/green deployment group needs exactly one loadBalancerInfo.targetGroupPairInfoList entry, got %d", len(pairs))
	}
	pair, _ := pairs[0].(map[string]any)
	tgs, _ := pair["targetGroups"].([]any)
	for _, tg := range tgs {
		m, _ := tg.(map[string]any)
		g.targetGroups = append(g.targetGroups, str(m["name"]))
	}
	if len(g.targetGroups) != 2 || g.targetGroups[0] == "" || g.targetGroups[1] == "" || g.targetGroups[0] == g.targetGroups[1] {
		return invalid("InvalidTargetGroupPairException", "targetGroupPairInfoList[0].targetGroups must name two different target groups, got %q", g.targetGroups)
	}
	listeners := func(key string) []string {
		route, _ := pair[key].(map[string]any)
		arns, _ := route["listenerArns"].([]any)
		var out []string
		for _, a := range arns {
			out = append(out, str(a))
		}
		return out
	}
	g.prodListeners, g.testListeners = listeners("prodTrafficRoute"), listeners("testTrafficRoute")
	if len(g.prodListeners) != 1 {
		return invalid("InvalidTargetGroupPairException", "prodTrafficRoute.listenerArns must name one listener, got %d", len(g.prodListeners))
	}
	return nil
}

func (s *Server) deploymentGroup(app, name string) (*group, *APIError) {
	if _, err := s.application(app); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalid("DeploymentGroupNameRequiredException", "The deployment group name was not specified.")
	}
	g, ok := s.groups[app+"/"+name]
	if !ok {
		return nil, invalid("DeploymentGroupDoesNotExistException", "No Deployment Group found for name: %s", name)
	}
	return g, nil
}

func (s *Server) getDeploymentGroup(in map[string]any) (any, *APIError) {
	g, err := s.deploymentGroup(str(in["applicationName"]), str(in["deploymentGroupName"]))
	if err != nil {
		return nil, err
	}
	info := map[string]any{}
	for k, v := range g.raw {
		info[k] = v
	}
	info["deploymentGroupId"], info["deploymentConfigName"], info["computePlatform"] = g.id, g.config, "ECS"
	info["blueGreenDeploymentConfiguration"] = map[string]any{
		"deploymentReadyOption":                     map[string]any{"actionOnTimeout": g.readyAction, "waitTimeInMinutes": g.readyWait},
		"terminateBlueInstancesOnDeploymentSuccess": map[string]any{"action": "TERMINATE", "terminationWaitTimeInMinutes": g.termWait},
	}
	info["deploymentStyle"] = map[string]any{"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
	var last, ok *deployment
	for _, d := range s.order {
		if d.group != g {
			continue
		}
		last = d
		if d.status == "Succeeded" {
			ok = d
		}
	}
	if last != nil {
		info["lastAttemptedDeployment"] = last.summary()
	}
	if ok != nil {
		info["lastSuccessfulDeployment"] = ok.summary()
	}
	return map[string]any{"deploymentGroupInfo": info}, nil
}

func (s *Server) listDeploymentGroups(in map[string]any) (any, *APIError) {
	a, err := s.application(str(in["applicationName"]))
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, g := range s.groups {
		if g.app == a.name {
			names = append(names, g.name)
		}
	}
	sort.Strings(names)
	return map[string]any{"applicationName": a.name, "deploymentGroups": names}, nil
}
