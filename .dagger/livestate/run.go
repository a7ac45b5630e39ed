package livestate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultAppName is the infra app's appName when neither the context nor
// cdk.json sets one (infra/config.DefaultAppName).
const DefaultAppName = "webapp"

// ServiceStack is the name of the service stack a synth with these context
// values produces: <appName>-service, appName from the values, else from
// cdk.json's "context", else the default.
func ServiceStack(cdkJSON []byte, values map[string]string) (string, error) {
	app, err := contextValue(cdkJSON, values, "appName")
	if err != nil {
		return "", err
	}
	if app == "" {
		app = DefaultAppName
	}
	return app + "-service", nil
}

// contextValue is a context key as the synth will see it: from the values
// given on the command line, else from cdk.json's "context".
func contextValue(cdkJSON []byte, values map[string]string, key string) (string, error) {
	if v := strings.TrimSpace(values[key]); v != "" {
		return v, nil
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(cdkJSON, &doc); err != nil {
		return "", fmt.Errorf("infra/cdk.json is not valid JSON: %w", err)
	}
	if v, ok := doc.Context[key]; ok && v != nil {
		return strings.TrimSpace(fmt.Sprint(v)), nil
	}
	return "", nil
}

// alarmArn is the ARN of a metric alarm of the stack with the given id.
func alarmArn(stackID, name string) string {
	// arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
	p := strings.SplitN(stackID, ":", 6)
	if len(p) < 6 {
		return ""
	}
	return fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", p[1], p[3], p[4], name)
}

// DefaultTerminationWaitMinutes is the infra app's terminationWaitMinutes
// when neither the context nor cdk.json sets it.
const DefaultTerminationWaitMinutes = 5

// MonitoringMarginMinutes is added to the termination wait: the alarms
// evaluate one- and two-minute periods, so a breach in the last minutes of
// the wait still reaches ALARM inside the monitoring time.
const MonitoringMarginMinutes = 5

// RollbackTriggers are the rollback triggers a deploy-infra run sets on a
// hook-mode service stack: its metric alarms, watched during the update (the
// blue/green deployment happens inside it) and for the termination wait
// after it, while the old tasks can still take the traffic back.
// CloudFormation keeps them for every later update of the stack. Nothing in
// other modes (CodeDeploy watches the alarms itself), when the run does not
// deploy the service stack, before the alarms exist (a trigger on a missing
// alarm fails the update), or with more alarms than CloudFormation takes.
func RollbackTriggers(s State, selected []string, cdkJSON []byte, values map[string]string) (alarms []string, minutes int, err error) {
	if s.Mode != "hook" || len(s.Alarms) == 0 || len(s.Alarms) > 5 {
		return nil, 0, nil
	}
	if len(selected) > 0 && !slices.Contains(selected, s.Stack) {
		return nil, 0, nil
	}
	wait := DefaultTerminationWaitMinutes
	raw, err := contextValue(cdkJSON, values, "terminationWaitMinutes")
	if err != nil {
		return nil, 0, err
	}
	if raw != "" {
		if wait, err = strconv.Atoi(raw); err != nil {
			return nil, 0, fmt.Errorf("context terminationWaitMinutes=%q is not a whole number of minutes", raw)
		}
	}
	return s.Alarms, min(wait+MonitoringMarginMinutes, 180), nil
}

// WithContext returns the context values with the state added. A live key the
// caller set to something else is refused: the deployed state is not a
// choice, and a wrong one is exactly the outage this package prevents.
func WithContext(values map[string]string, s State) (map[string]string, error) {
	out := make(map[string]string, len(values)+3)
	for k, v := range values {
		out[k] = v
	}
	for k, v := range s.Context() {
		if given, ok := values[k]; ok && given != v {
			return nil, fmt.Errorf("context %s=%s: the deployed stack serves %s=%s; leave %s unset, deploy-infra reads it from the stack", k, given, k, v, k)
		}
		out[k] = v
	}
	return out, nil
}

// Run is what one deploy-infra or diff run takes from the deployed stack.
type Run struct {
	// Context is the run's context values with the deployed state added.
	Context map[string]string
	// RollbackAlarms and MonitoringMinutes are the rollback triggers of the
	// deployment (see RollbackTriggers).
	RollbackAlarms []string
	// MonitoringMinutes is how long the alarms are watched after the update.
	MonitoringMinutes int
	// RollbackStack is the stack the triggers belong to ("" when none apply).
	RollbackStack string
	// ServiceStack is the service stack's name, and Live its deployed state
	// as read for the synth (State.Context()): the gate reads the state
	// again right before that stack's change set is prepared and refuses
	// when it moved.
	ServiceStack string
	Live         map[string]string
}

// Prepare combines the deployed state with the run's context values (cdk.json
// and the command line) and its stack selection (empty means every stack).
func Prepare(s State, values map[string]string, cdkJSON []byte, selected []string) (Run, error) {
	ctx, err := WithContext(values, s)
	if err != nil {
		return Run{}, err
	}
	alarms, minutes, err := RollbackTriggers(s, selected, cdkJSON, values)
	if err != nil {
		return Run{}, err
	}
	stack, err := ServiceStack(cdkJSON, values)
	if err != nil {
		return Run{}, err
	}
	run := Run{Context: ctx, RollbackAlarms: alarms, MonitoringMinutes: minutes, ServiceStack: stack, Live: s.Context()}
	if len(alarms) > 0 {
		run.RollbackStack = s.Stack
	}
	return run, nil
}
