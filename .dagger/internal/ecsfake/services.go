package ecsfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// The service operations: validated here, kept by moto, and answered with
// what moto drops added back.

func (s *Server) createService(r *http.Request, body []byte) (any, *apiError) {
	req, cfg, e := parseServiceRequest(body)
	if e != nil {
		return nil, e
	}
	if req.ServiceName == "" {
		return nil, invalidParameter("serviceName is required")
	}
	controller := "ECS"
	if req.DeploymentController != nil && req.DeploymentController.Type != "" {
		controller = req.DeploymentController.Type
	}
	ak, region := scopeOf(r)
	svc := &service{name: req.ServiceName, controller: controller, region: region, accessKey: ak, config: cfg, configRaw: req.DeploymentConfiguration}
	if req.LoadBalancers != nil {
		svc.loadBalancers = *req.LoadBalancers
	}
	if req.DesiredCount != nil {
		svc.desired = *req.DesiredCount
	}
	if e := s.validate(svc, cfg, svc.loadBalancers); e != nil {
		return nil, e
	}
	resp, m, pass, e := s.forwardService(r, body)
	if e != nil || pass != nil {
		return pass, e
	}
	svc.arn, svc.clusterArn = str(m["serviceArn"]), str(m["clusterArn"])

	s.mu.Lock()
	defer s.mu.Unlock()
	s.services[key(svc.clusterArn, svc.name)] = svc
	now := s.clock.Now()
	// A new service starts at its first revision with all traffic on its
	// primary target group; its first deployment has nothing to shift.
	rev := s.newRevision(svc, str(m["taskDefinition"]), nil)
	d := &deployment{arn: s.deploymentArn(svc), svc: svc, target: rev, config: cfg, raw: svc.configRaw, desired: svc.desired,
		status: "SUCCESSFUL", created: now, createdAt: now, updated: now, started: now, finished: now, prod: 100, test: 100, idx: -1}
	svc.deployments = append(svc.deployments, d)
	s.byArn[d.arn] = d
	svc.current = rev
	s.applyWeights(d)
	s.augment(m)
	return resp, nil
}

func (s *Server) updateService(r *http.Request, body []byte) (any, *apiError) {
	req, cfg, e := parseServiceRequest(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	svc := s.lookup(req.Cluster, req.Service)
	s.mu.Unlock()
	if svc == nil { // not created through the stand-in: moto answers alone
		out, up, e := s.forward(r, body)
		if e != nil || up != nil {
			return answer(up), e
		}
		var v any
		_ = json.Unmarshal(out, &v)
		return v, nil
	}
	newCfg, newRaw := svc.config, svc.configRaw
	if req.DeploymentConfiguration != nil {
		newCfg, newRaw = cfg, req.DeploymentConfiguration
	}
	lbs := svc.loadBalancers
	if req.LoadBalancers != nil {
		lbs = *req.LoadBalancers
	}
	if e := s.validate(svc, newCfg, lbs); e != nil {
		return nil, e
	}
	var taskDef string
	if req.TaskDefinition != "" {
		arn, e := s.taskDefinitionArn(r, req.TaskDefinition)
		if e != nil {
			return nil, e
		}
		taskDef = arn
	}
	resp, m, pass, e := s.forwardService(r, body)
	if e != nil || pass != nil {
		return pass, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	svc.config, svc.configRaw, svc.loadBalancers = newCfg, newRaw, lbs
	if req.DesiredCount != nil {
		svc.desired = *req.DesiredCount
	}
	latest := svc.deployments[len(svc.deployments)-1]
	deploying := req.ForceNewDeployment || req.LoadBalancers != nil || req.NetworkConfiguration != nil ||
		req.PlatformVersion != nil || req.CapacityProviderStrategy != nil ||
		(taskDef != "" && taskDef != latest.target.taskDefinition)
	if deploying {
		if taskDef == "" {
			taskDef = latest.target.taskDefinition
		}
		s.startDeployment(svc, taskDef)
	}
	s.augment(m)
	return resp, nil
}

func (s *Server) describeServices(r *http.Request, body []byte) (any, *apiError) {
	out, up, e := s.forward(r, body)
	if e != nil || up != nil {
		return answer(up), e
	}
	var resp map[string]any
	if err := decodeJSON(out, &resp); err != nil {
		return nil, invalidParameter("decoding moto's DescribeServices answer: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list, _ := resp["services"].([]any)
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			s.augment(m)
		}
	}
	return resp, nil
}

func (s *Server) deleteService(r *http.Request, body []byte) (any, *apiError) {
	var req serviceRequest
	_ = json.Unmarshal(body, &req)
	out, up, e := s.forward(r, body)
	if e != nil || up != nil {
		return answer(up), e
	}
	s.mu.Lock()
	if svc := s.lookup(req.Cluster, req.Service); svc != nil {
		delete(s.services, key(svc.clusterArn, svc.name))
	}
	s.mu.Unlock()
	var v any
	_ = decodeJSON(out, &v)
	return v, nil
}

// validate runs ECS's checks on a service's deployment configuration and,
// for a traffic-shifting strategy, its load balancers and listener rules.
func (s *Server) validate(svc *service, cfg deploymentConfig, lbs []loadBalancer) *apiError {
	if e := validateConfig(svc.controller, cfg); e != nil {
		return e
	}
	if isShifting(cfg.Strategy) {
		return validateLoadBalancers(lbs, s.rules(svc))
	}
	return nil
}

// taskDefinitionArn resolves family, family:revision or an ARN the way ECS
// does, by asking moto; the stand-in compares revisions by ARN.
func (s *Server) taskDefinitionArn(r *http.Request, td string) (string, *apiError) {
	body, _ := json.Marshal(map[string]string{"taskDefinition": td})
	req := r.Clone(r.Context())
	req.Header.Set("X-Amz-Target", targetPrefix+"DescribeTaskDefinition")
	out, up, e := s.forward(req, body)
	if e != nil {
		return "", e
	}
	if up != nil {
		return "", clientError("ClientException", "Unable to describe task definition %s.", td)
	}
	var v struct {
		TaskDefinition struct {
			TaskDefinitionArn string `json:"taskDefinitionArn"`
		} `json:"taskDefinition"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.TaskDefinition.TaskDefinitionArn == "" {
		return "", clientError("ClientException", "Unable to describe task definition %s.", td)
	}
	return v.TaskDefinition.TaskDefinitionArn, nil
}

// augment adds to a service object from moto what ECS reports and moto does
// not keep. The caller holds s.mu.
func (s *Server) augment(m map[string]any) {
	svc := s.services[key(str(m["clusterArn"]), str(m["serviceName"]))]
	if svc == nil {
		return
	}
	m["deploymentController"] = map[string]any{"type": svc.controller}
	if svc.configRaw != nil {
		m["deploymentConfiguration"] = svc.configRaw
	}
	latest := svc.deployments[len(svc.deployments)-1]
	m["currentServiceDeployment"] = latest.arn
	m["taskDefinition"] = latest.target.taskDefinition
	if latest.status == "ROLLBACK_SUCCESSFUL" || latest.status == "STOPPED" {
		m["taskDefinition"] = svc.current.taskDefinition
	}
	var revs []any
	for _, rv := range s.liveRevisions(svc) {
		revs = append(revs, map[string]any{"arn": rv.arn, "requestedTaskCount": svc.desired, "runningTaskCount": rv.running, "pendingTaskCount": svc.desired - rv.running})
	}
	m["currentServiceRevisions"] = revs
}

func parseServiceRequest(body []byte) (serviceRequest, deploymentConfig, *apiError) {
	var req serviceRequest
	var cfg deploymentConfig
	if err := json.Unmarshal(body, &req); err != nil {
		return req, cfg, clientError("SerializationException", "the request body is not a valid ECS request: %v", err)
	}
	if req.DeploymentConfiguration != nil {
		if err := json.Unmarshal(req.DeploymentConfiguration, &cfg); err != nil {
			return req, cfg, clientError("SerializationException", "deploymentConfiguration: %v", err)
		}
	}
	return req, cfg, nil
}

// forwardService sends a CreateService or UpdateService to moto and decodes
// its answer and the service in it. A non-200 answer comes back as pass, to
// hand on untouched.
func (s *Server) forwardService(r *http.Request, body []byte) (resp, svc map[string]any, pass any, e *apiError) {
	out, up, e := s.forward(r, body)
	if e != nil || up != nil {
		return nil, nil, answer(up), e
	}
	if err := decodeJSON(out, &resp); err != nil {
		return nil, nil, nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: "decoding moto's answer: " + err.Error()}
	}
	svc, ok := resp["service"].(map[string]any)
	if !ok {
		return nil, nil, nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: "moto's answer carries no service"}
	}
	return resp, svc, nil, nil
}

// decodeJSON keeps numbers as written, so re-encoding moto's answers changes nothing.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }

func answer(up *upstreamAnswer) any {
	if up == nil {
		return nil
	}
	return *up
}

func str(v any) string { s, _ := v.(string); return s }

// key identifies a service by cluster ARN (or name) and service name.
func key(cluster, name string) string { return lastSegment(cluster) + "/" + lastSegment(name) }

func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// lookup finds a service by the cluster and service a request names (names
// or ARNs; the cluster defaults to "default"). The caller holds s.mu.
func (s *Server) lookup(cluster, name string) *service {
	if cluster == "" {
		cluster = "default"
	}
	return s.services[key(cluster, name)]
}
