// Package lifecyclehook is the deployment hook that smoke-checks the test
// listener and judges the new revision against the old on live metrics, for
// ECS-native deployments (a Lambda lifecycle hook answering hookStatus) and
// CodeDeploy deployments (an AfterAllowTestTraffic hook answering through
// PutLifecycleEventHookExecutionStatus).
//
// The package holds the decisions; the Lambda's main only wires AWS clients
// and the runtime API to Handler.Invoke.
package lifecyclehook

import (
	"encoding/json"
	"fmt"
)

// ECS lifecycle stages the hook acts on.
const (
	StagePostTestTrafficShift       = "POST_TEST_TRAFFIC_SHIFT"
	StagePreProductionTrafficShift  = "PRE_PRODUCTION_TRAFFIC_SHIFT"
	StagePostProductionTrafficShift = "POST_PRODUCTION_TRAFFIC_SHIFT"
)

// hookStatus values ECS accepts.
const (
	StatusSucceeded  = "SUCCEEDED"
	StatusFailed     = "FAILED"
	StatusInProgress = "IN_PROGRESS"
)

// ECSEvent is the payload ECS invokes a Lambda lifecycle hook with.
type ECSEvent struct {
	// ExecutionID identifies this hook execution (stable across IN_PROGRESS
	// re-invocations).
	ExecutionID string
	// LifecycleStage is the stage the hook runs at.
	LifecycleStage string
	// ResourceArn is the service deployment's ARN.
	ResourceArn string
	// ServiceArn is the service being deployed.
	ServiceArn string
	// TargetServiceRevisionArn is the revision being deployed (the new one).
	TargetServiceRevisionArn string
	// TestTrafficWeights and ProductionTrafficWeights map each service
	// revision ARN to its share of the listener's traffic, in percent.
	TestTrafficWeights       map[string]float64
	ProductionTrafficWeights map[string]float64
	// HookDetails are the service definition's hookDetails, or what the
	// previous IN_PROGRESS answer returned.
	HookDetails map[string]json.RawMessage
}

// ecsWire accepts the deployment fields both at the top level and under
// executionDetails, where ECS's invocation event carries them.
type ecsWire struct {
	ExecutionID      string          `json:"executionId"`
	LifecycleStage   string          `json:"lifecycleStage"`
	ResourceArn      string          `json:"resourceArn"`
	ExecutionDetails *ecsDetailsWire `json:"executionDetails"`
	ecsDetailsWire
}

type ecsDetailsWire struct {
	ServiceArn               string                     `json:"serviceArn"`
	TargetServiceRevisionArn string                     `json:"targetServiceRevisionArn"`
	TestTrafficWeights       map[string]float64         `json:"testTrafficWeights"`
	ProductionTrafficWeights map[string]float64         `json:"productionTrafficWeights"`
	HookDetails              map[string]json.RawMessage `json:"hookDetails"`
}

// ParseECSEvent decodes and checks an ECS lifecycle hook payload.
func ParseECSEvent(payload []byte) (ECSEvent, error) {
	var w ecsWire
	if err := json.Unmarshal(payload, &w); err != nil {
		return ECSEvent{}, fmt.Errorf("ECS lifecycle hook payload: %w", err)
	}
	d := w.ecsDetailsWire
	if x := w.ExecutionDetails; x != nil {
		d.ServiceArn = first(x.ServiceArn, d.ServiceArn)
		d.TargetServiceRevisionArn = first(x.TargetServiceRevisionArn, d.TargetServiceRevisionArn)
		if x.TestTrafficWeights != nil {
			d.TestTrafficWeights = x.TestTrafficWeights
		}
		if x.ProductionTrafficWeights != nil {
			d.ProductionTrafficWeights = x.ProductionTrafficWeights
		}
		if x.HookDetails != nil {
			d.HookDetails = x.HookDetails
		}
	}
	e := ECSEvent{
		ExecutionID: w.ExecutionID, LifecycleStage: w.LifecycleStage, ResourceArn: w.ResourceArn,
		ServiceArn: d.ServiceArn, TargetServiceRevisionArn: d.TargetServiceRevisionArn,
		TestTrafficWeights: d.TestTrafficWeights, ProductionTrafficWeights: d.ProductionTrafficWeights,
		HookDetails: d.HookDetails,
	}
	switch {
	case e.LifecycleStage == "":
		return e, fmt.Errorf("ECS lifecycle hook payload: lifecycleStage is missing")
	case e.ServiceArn == "":
		return e, fmt.Errorf("ECS lifecycle hook payload (%s): serviceArn is missing", e.LifecycleStage)
	case e.TargetServiceRevisionArn == "":
		return e, fmt.Errorf("ECS lifecycle hook payload (%s): targetServiceRevisionArn is missing", e.LifecycleStage)
	}
	return e, nil
}

// OldRevision is the revision the new one is compared with: the other
// revision with the most production traffic (ties broken by ARN, so the
// choice is stable across invocations), or "" on a first deployment.
func (e ECSEvent) OldRevision() string {
	old, best := "", -1.0
	for arn, w := range e.ProductionTrafficWeights {
		if arn == e.TargetServiceRevisionArn {
			continue
		}
		if w > best || (w == best && arn < old) {
			old, best = arn, w
		}
	}
	return old
}

// ECSResponse is what the hook answers ECS.
type ECSResponse struct {
	HookStatus string `json:"hookStatus"`
	// CallBackDelay is the seconds ECS waits before invoking the hook again
	// after IN_PROGRESS.
	CallBackDelay int                        `json:"callBackDelay,omitempty"`
	HookDetails   map[string]json.RawMessage `json:"hookDetails,omitempty"`
}

// CodeDeployEvent is the payload CodeDeploy invokes a lifecycle event hook
// (AfterAllowTestTraffic) with.
type CodeDeployEvent struct {
	DeploymentID                  string `json:"DeploymentId"`
	LifecycleEventHookExecutionID string `json:"LifecycleEventHookExecutionId"`
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
