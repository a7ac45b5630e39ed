package codedeployfake

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

type application struct {
	name    string
	id      string
	created time.Time
}

// deploymentConfig is a deployment configuration's traffic routing.
type deploymentConfig struct {
	name    string
	routing string  // AllAtOnce, TimeBasedCanary or TimeBasedLinear
	percent float64 // the canary's or each linear step's share
	every   int     // minutes: the canary's wait, or between linear steps
}

func builtinConfigs() map[string]deploymentConfig {
	cs := []deploymentConfig{
		{name: "CodeDeployDefault.ECSAllAtOnce", routing: "AllAtOnce"},
		{name: "CodeDeployDefault.ECSCanary10Percent5Minutes", routing: "TimeBasedCanary", percent: 10, every: 5},
		{name: "CodeDeployDefault.ECSCanary10Percent15Minutes", routing: "TimeBasedCanary", percent: 10, every: 15},
		{name: "CodeDeployDefault.ECSLinear10PercentEvery1Minutes", routing: "TimeBasedLinear", percent: 10, every: 1},
		{name: "CodeDeployDefault.ECSLinear10PercentEvery3Minutes", routing: "TimeBasedLinear", percent: 10, every: 3},
	}
	m := map[string]deploymentConfig{}
	for _, c := range cs {
		m[c.name] = c
	}
	return m
}

// shape is GetDeploymentConfig's deploymentConfigInfo.
func (c deploymentConfig) shape() map[string]any {
	routing := map[string]any{"type": c.routing}
	switch c.routing {
	case "TimeBasedCanary":
		routing["timeBasedCanary"] = map[string]any{"canaryPercentage": c.percent, "canaryInterval": c.every}
	case "TimeBasedLinear":
		routing["timeBasedLinear"] = map[string]any{"linearPercentage": c.percent, "linearInterval": c.every}
	}
	return map[string]any{"deploymentConfigName": c.name, "deploymentConfigId": "cfg-" + c.name, "computePlatform": "ECS", "trafficRoutingConfig": routing}
}

func (s *Server) createApplication(in map[string]any) (any, *APIError) {
	name := str(in["applicationName"])
	if name == "" {
		return nil, invalid("ApplicationNameRequiredException", "The minimum number of required application names was not specified.")
	}
	if p := str(in["computePlatform"]); p != "" && p != "ECS" {
		return nil, invalid("InvalidComputePlatformException", "computePlatform %q: the stand-in deploys ECS only", p)
	}
	if _, ok := s.apps[name]; ok {
		return nil, invalid("ApplicationAlreadyExistsException", "The application %s already exists with the IAM user or AWS account.", name)
	}
	a := &application{name: name, id: s.newID("app"), created: s.clock.Now()}
	s.apps[name] = a
	return map[string]any{"applicationId": a.id}, nil
}

func (s *Server) application(name string) (*application, *APIError) {
	if name == "" {
		return nil, invalid("ApplicationNameRequiredException", "The minimum number of required application names was not specified.")
	}
	a, ok := s.apps[name]
	if !ok {
		return nil, invalid("ApplicationDoesNotExistException", "No application found for name: %s", name)
	}
	return a, nil
}

func (s *Server) getApplication(in map[string]any) (any, *APIError) {
	a, err := s.application(str(in["applicationName"]))
	if err != nil {
		return nil, err
	}
	return map[string]any{"application": map[string]any{"applicationId": a.id, "applicationName": a.name, "computePlatform": "ECS", "createTime": Epoch(a.created)}}, nil
}

func (s *Server) listApplications(map[string]any) (any, *APIError) {
	names := []string{}
	for n := range s.apps {
		names = append(names, n)
	}
	sort.Strings(names)
	return map[string]any{"applications": names}, nil
}

func (s *Server) createDeploymentConfig(in map[string]any) (any, *APIError) {
	name := str(in["deploymentConfigName"])
	if name == "" {
		return nil, invalid("DeploymentConfigNameRequiredException", "The deployment configuration name was not specified.")
	}
	if _, ok := s.configs[name]; ok || strings.HasPrefix(name, "CodeDeployDefault.") {
		return nil, invalid("DeploymentConfigAlreadyExistsException", "A deployment configuration with the name %s already exists.", name)
	}
	c := deploymentConfig{name: name, routing: "AllAtOnce"}
	if r, ok := in["trafficRoutingConfig"].(map[string]any); ok {
		c.routing = str(r["type"])
		var p map[string]any
		switch c.routing {
		case "TimeBasedCanary":
			p, _ = r["timeBasedCanary"].(map[string]any)
			c.percent, c.every = num(p["canaryPercentage"]), int(num(p["canaryInterval"]))
		case "TimeBasedLinear":
			p, _ = r["timeBasedLinear"].(map[string]any)
			c.percent, c.every = num(p["linearPercentage"]), int(num(p["linearInterval"]))
		case "AllAtOnce":
		default:
			return nil, invalid("InvalidDeploymentConfigException", "trafficRoutingConfig.type %q is not valid; valid values are AllAtOnce, TimeBasedCanary, TimeBasedLinear", c.routing)
		}
		if c.routing != "AllAtOnce" && (c.percent <= 0 || c.percent >= 100 || c.every < 1) {
			return nil, invalid("InvalidDeploymentConfigException", "%s needs a percentage between 0 and 100 (exclusive) and an interval of at least 1 minute, got %v%% every %d", c.routing, c.percent, c.every)
		}
	}
	s.configs[name] = c
	return map[string]any{"deploymentConfigId": "cfg-" + name}, nil
}

func (s *Server) getDeploymentConfig(in map[string]any) (any, *APIError) {
	name := str(in["deploymentConfigName"])
	c, ok := s.configs[name]
	if !ok {
		return nil, invalid("DeploymentConfigDoesNotExistException", "The deployment configuration %s does not exist with the IAM user or AWS account.", name)
	}
	return map[string]any{"deploymentConfigInfo": c.shape()}, nil
}

// newID mints an id with CodeDeploy's look for deployments (d- and nine
// upper-case letters or digits) and a readable one for the rest.
func (s *Server) newID(kind string) string {
	s.seq++
	if kind == "d" {
		return fmt.Sprintf("d-STDIN%04d", s.seq%10000)
	}
	return fmt.Sprintf("%s-%08d", kind, s.seq)
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) float64 { f, _ := v.(float64); return f }
