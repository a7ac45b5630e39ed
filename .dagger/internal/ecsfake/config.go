package ecsfake

import "encoding/json"

// The typed parts of the ECS request shapes the stand-in reasons about. The
// request itself is kept as raw JSON so that nothing a caller sent is lost:
// deploymentConfiguration is echoed back exactly as stored.

type deploymentConfig struct {
	Strategy            string          `json:"strategy,omitempty"`
	BakeTimeInMinutes   *int            `json:"bakeTimeInMinutes,omitempty"`
	LinearConfiguration *linearConfig   `json:"linearConfiguration,omitempty"`
	CanaryConfiguration *canaryConfig   `json:"canaryConfiguration,omitempty"`
	Alarms              *alarmConfig    `json:"alarms,omitempty"`
	LifecycleHooks      []lifecycleHook `json:"lifecycleHooks,omitempty"`
	CircuitBreaker      *circuitBreaker `json:"deploymentCircuitBreaker,omitempty"`
}

type circuitBreaker struct {
	Enable   bool `json:"enable"`
	Rollback bool `json:"rollback"`
}

type linearConfig struct {
	StepPercent           *float64 `json:"stepPercent,omitempty"`
	StepBakeTimeInMinutes *int     `json:"stepBakeTimeInMinutes,omitempty"`
}

type canaryConfig struct {
	CanaryPercent           *float64 `json:"canaryPercent,omitempty"`
	CanaryBakeTimeInMinutes *int     `json:"canaryBakeTimeInMinutes,omitempty"`
}

type alarmConfig struct {
	AlarmNames []string `json:"alarmNames"`
	Enable     bool     `json:"enable"`
	Rollback   bool     `json:"rollback"`
}

type lifecycleHook struct {
	HookTargetArn        string         `json:"hookTargetArn,omitempty"`
	RoleArn              string         `json:"roleArn,omitempty"`
	LifecycleStages      []string       `json:"lifecycleStages"`
	TargetType           string         `json:"targetType,omitempty"`
	TimeoutConfiguration *timeoutConfig `json:"timeoutConfiguration,omitempty"`
	// HookDetails is handed to the function's first invocation.
	HookDetails json.RawMessage `json:"hookDetails,omitempty"`
}

type timeoutConfig struct {
	Action           string `json:"action,omitempty"`
	TimeoutInMinutes *int   `json:"timeoutInMinutes,omitempty"`
}

type loadBalancer struct {
	TargetGroupArn        string          `json:"targetGroupArn,omitempty"`
	ContainerName         string          `json:"containerName,omitempty"`
	ContainerPort         int             `json:"containerPort,omitempty"`
	AdvancedConfiguration *advancedConfig `json:"advancedConfiguration,omitempty"`
}

type advancedConfig struct {
	AlternateTargetGroupArn string `json:"alternateTargetGroupArn,omitempty"`
	ProductionListenerRule  string `json:"productionListenerRule,omitempty"`
	TestListenerRule        string `json:"testListenerRule,omitempty"`
	RoleArn                 string `json:"roleArn,omitempty"`
}

// serviceRequest is what CreateService and UpdateService carry that matters
// here. Pointers tell "absent" from "empty".
type serviceRequest struct {
	Cluster                  string                 `json:"cluster"`
	ServiceName              string                 `json:"serviceName"` // CreateService
	Service                  string                 `json:"service"`     // UpdateService
	TaskDefinition           string                 `json:"taskDefinition"`
	DesiredCount             *int                   `json:"desiredCount"`
	DeploymentController     *struct{ Type string } `json:"deploymentController"`
	DeploymentConfiguration  json.RawMessage        `json:"deploymentConfiguration"`
	LoadBalancers            *[]loadBalancer        `json:"loadBalancers"`
	ForceNewDeployment       bool                   `json:"forceNewDeployment"`
	NetworkConfiguration     json.RawMessage        `json:"networkConfiguration"`
	PlatformVersion          *string                `json:"platformVersion"`
	CapacityProviderStrategy json.RawMessage        `json:"capacityProviderStrategy"`
}
