package stacks

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
)

// checkStatements are the deployment check role's statements, by action.
func checkStatements(t *testing.T, tpl map[string]any) map[string]map[string]any {
	t.Helper()
	role, _ := resourceByPrefix(t, tpl, "AWS::IAM::Role", "CheckRole")
	out := map[string]map[string]any{}
	for _, p := range findResources(tpl, "AWS::IAM::Policy") {
		if !slices.ContainsFunc(asSlice(dig(p, "Properties", "Roles")), func(r any) bool { return dig(r, "Ref") == role }) {
			continue
		}
		for _, st := range asSlice(dig(p, "Properties", "PolicyDocument", "Statement")) {
			for _, a := range actionsOf(st.(map[string]any)) {
				out[a] = st.(map[string]any)
			}
		}
	}
	return out
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Analysis off (every pre-existing scenario) adds nothing.
func TestAnalysisOffAddsNothing(t *testing.T) {
	for _, sc := range []string{"codedeploy", "hook", "ecs", "agnostic"} {
		tpl := synth(t, sc).json["service"]
		if n := len(findResources(tpl, "AWS::Lambda::Function")); n != 0 {
			t.Errorf("%s: %d functions in the service stack with analysis off", sc, n)
		}
		if walkFind(tpl, func(k string, v any) bool { return strings.Contains(fmt.Sprint(v), "canary-comparison") }) {
			t.Errorf("%s: comparison alarm with analysis off", sc)
		}
	}
}

func TestCheckFunction(t *testing.T) {
	for _, sc := range []string{"codedeploy-analysis", "hook-analysis", "ecs-analysis"} {
		t.Run(sc, func(t *testing.T) {
			s := synth(t, sc)
			tpl := s.json["service"]
			_, fn := resourceByPrefix(t, tpl, "AWS::Lambda::Function", "CheckFunction")
			p := fn["Properties"].(map[string]any)
			if p["Runtime"] != "provided.al2023" || fmt.Sprint(p["Architectures"]) != "[arm64]" || p["Handler"] != "bootstrap" ||
				p["FunctionName"] != s.cfg.AnalysisFunctionName() {
				t.Errorf("function %v %v %v %v", p["Runtime"], p["Architectures"], p["Handler"], p["FunctionName"])
			}
			if dig(p, "Code", "S3Key") == nil {
				t.Errorf("code is not an asset: %v", p["Code"])
			}
			env := dig(p, "Environment", "Variables").(map[string]any)
			var policy map[string]any
			if err := json.Unmarshal([]byte(fmt.Sprint(env["ANALYSIS_POLICY"])), &policy); err != nil || policy["minRequests"] != float64(s.cfg.Analysis.Policy.MinRequests) {
				t.Errorf("ANALYSIS_POLICY %v (%v)", env["ANALYSIS_POLICY"], err)
			}
			if env["ANALYSIS_ON_INCONCLUSIVE"] != s.cfg.Analysis.OnInconclusive || env["ANALYSIS_MAX_WAIT"] != "10m" || env["SMOKE_URL"] == nil || env["ANALYSIS_LOAD_BALANCER"] == nil {
				t.Errorf("environment %v", env)
			}
			if dig(p, "VpcConfig", "SubnetIds") == nil {
				t.Errorf("function outside the VPC: the test listener admits the NAT gateways, not Lambda's addresses")
			}
			// Its log group: named for the function, retained, with retention.
			lg, _ := resourceByPrefix(t, tpl, "AWS::Logs::LogGroup", "CheckLogs")
			if dig(p, "LoggingConfig", "LogGroup", "Ref") != lg {
				t.Errorf("function logs to %v, want %s", dig(p, "LoggingConfig"), lg)
			}
			// Least privilege: read metrics, the one service's revisions (ecs)
			// or report a CodeDeploy hook (the others), its logs, its ENIs.
			sts := checkStatements(t, tpl)
			want := []string{"cloudwatch:GetMetricData", "ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
				"ec2:DescribeNetworkInterfaces", "ec2:UnassignPrivateIpAddresses", "logs:CreateLogStream", "logs:PutLogEvents"}
			if s.cfg.Mode == "ecs" {
				want = append(want, "ecs:DescribeServiceRevisions")
				if r := fmt.Sprint(sts["ecs:DescribeServiceRevisions"]["Resource"]); !strings.Contains(r, ":service-revision/webapp/webapp/*") {
					t.Errorf("DescribeServiceRevisions on %s, want the service's revisions only", r)
				}
			} else {
				want = append(want, "codedeploy:PutLifecycleEventHookExecutionStatus")
			}
			sort.Strings(want)
			if got := keys(sts); !slices.Equal(got, want) {
				t.Errorf("check role actions %v, want %v", got, want)
			}
			if r := fmt.Sprint(sts["logs:PutLogEvents"]["Resource"]); !strings.Contains(r, "CheckLogs") {
				t.Errorf("logs on %s, want its own log group", r)
			}
		})
	}
}

func TestCheckFunctionECSHooks(t *testing.T) {
	tpl := synth(t, "ecs-analysis").json["service"]
	fnID, _ := resourceByPrefix(t, tpl, "AWS::Lambda::Function", "CheckFunction")
	_, svc := resourceByPrefix(t, tpl, "AWS::ECS::Service", "Service")
	var stages []any
	for _, h := range asSlice(dig(svc, "Properties", "DeploymentConfiguration", "LifecycleHooks")) {
		if fmt.Sprint(dig(h, "HookTargetArn", "Fn::GetAtt")) == fmt.Sprint([]any{fnID, "Arn"}) {
			stages = asSlice(dig(h, "LifecycleStages"))
		}
	}
	if fmt.Sprint(stages) != "[POST_TEST_TRAFFIC_SHIFT PRE_PRODUCTION_TRAFFIC_SHIFT POST_PRODUCTION_TRAFFIC_SHIFT]" {
		t.Fatalf("check function stages %v", stages)
	}
	// ECS may invoke it (and the configured hook), nothing else.
	_, hookPolicy := resourceByPrefix(t, tpl, "AWS::IAM::Policy", "HookRoleDefaultPolicy")
	res := fmt.Sprint(dig(hookPolicy, "Properties", "PolicyDocument", "Statement"))
	if !strings.Contains(res, fnID) || !strings.Contains(res, "function:warm") {
		t.Errorf("hook role may invoke %s", res)
	}
	// ecs mode judges in the function: no comparison alarm.
	if n := len(findResources(tpl, "AWS::CloudWatch::Alarm")); n != 4 {
		t.Errorf("%d alarms, want the 4 per-target-group ones", n)
	}
}

func TestCheckFunctionCodeDeployHook(t *testing.T) {
	tpl := synth(t, "codedeploy-analysis").json["service"]
	_, role := resourceByPrefix(t, tpl, "AWS::IAM::Role", "CodeDeployRole")
	if !strings.Contains(fmt.Sprint(dig(role, "Properties", "Policies")), "function:shop-deployment-check") {
		t.Errorf("CodeDeploy may not invoke the check: %v", dig(role, "Properties", "Policies"))
	}
	alarmID, _ := resourceByPrefix(t, tpl, "AWS::CloudWatch::Alarm", "CanaryComparison")
	_, group := resourceByPrefix(t, tpl, "AWS::CodeDeploy::DeploymentGroup", "DeploymentGroup")
	if !strings.Contains(fmt.Sprint(dig(group, "Properties", "AlarmConfiguration", "Alarms")), alarmID) {
		t.Errorf("deployment group alarms %v lack %s", dig(group, "Properties", "AlarmConfiguration"), alarmID)
	}
}

func TestCheckFunctionHookMode(t *testing.T) {
	s := synth(t, "hook-analysis")
	tpl := s.json["service"]
	if h := dig(tpl, "Hooks", "CodeDeployBlueGreenHook", "Properties", "LifecycleEventHooks", "AfterAllowTestTraffic"); h != "webapp-deployment-check" {
		t.Errorf("AfterAllowTestTraffic %v", h)
	}
	if !strings.Contains(fmt.Sprint(s.json["network"]), "function:webapp-deployment-check") {
		t.Errorf("the blue/green hook's role may not invoke the check")
	}
	// deploy-infra makes every metric alarm of the stack a rollback
	// trigger, and CloudFormation takes at most five.
	if n := len(findResources(tpl, "AWS::CloudWatch::Alarm")); n != 5 {
		t.Errorf("%d metric alarms, want 5 (rollback triggers' limit)", n)
	}
}

// comparisonAlarm reads the alarm's expression and maps its query ids to
// "<metric>/<blue|green>" from the template.
func comparisonAlarm(t *testing.T, sc string) (expr string, ids map[string]string, alarm map[string]any) {
	t.Helper()
	tpl := synth(t, sc).json["service"]
	_, alarm = resourceByPrefix(t, tpl, "AWS::CloudWatch::Alarm", "CanaryComparison")
	blue, _ := resourceByPrefix(t, tpl, "AWS::ElasticLoadBalancingV2::TargetGroup", "Blue")
	ids = map[string]string{}
	for _, q := range asSlice(dig(alarm, "Properties", "Metrics")) {
		if e := dig(q, "Expression"); e != nil {
			if dig(q, "ReturnData") != nil && dig(q, "ReturnData") != true {
				t.Fatalf("expression does not return data: %v", q)
			}
			expr = e.(string)
			continue
		}
		if dig(q, "ReturnData") != false {
			t.Errorf("metric %v returns data", dig(q, "Id"))
		}
		side := "green"
		for _, d := range asSlice(dig(q, "MetricStat", "Metric", "Dimensions")) {
			if dig(d, "Name") == "TargetGroup" && strings.Contains(fmt.Sprint(dig(d, "Value")), blue) {
				side = "blue"
			}
		}
		ids[fmt.Sprint(dig(q, "Id"))] = fmt.Sprintf("%s %s/%s", dig(q, "MetricStat", "Metric", "MetricName"), dig(q, "MetricStat", "Stat"), side)
	}
	if expr == "" || len(ids) != 6 {
		t.Fatalf("alarm metrics %v, expression %q", ids, expr)
	}
	return expr, ids, alarm
}

// window is one period of both target groups, as CloudWatch aggregates it.
type window struct {
	blueReq, blue5xx, blueP99    float64
	greenReq, green5xx, greenP99 float64
}

func (w window) values(ids map[string]string) map[string]float64 {
	by := map[string]float64{
		"RequestCount Sum/blue": w.blueReq, "HTTPCode_Target_5XX_Count Sum/blue": w.blue5xx, "TargetResponseTime p99/blue": w.blueP99,
		"RequestCount Sum/green": w.greenReq, "HTTPCode_Target_5XX_Count Sum/green": w.green5xx, "TargetResponseTime p99/green": w.greenP99,
	}
	out := map[string]float64{}
	for id, name := range ids {
		// A zero count is no datapoint at all for the ALB: leave it out,
		// so FILL has something to do.
		if v := by[name]; v != 0 {
			out[id] = v
		}
	}
	return out
}

// The comparison alarm's expression, from the synthesized template, on
// sample windows. codedeploy-analysis: maxErrorRate 0.02, increase 0.005,
// p99 ratio 2, minRequests 100, minErrors 3, floor 50 ms, 1-min windows.
func TestComparisonAlarmExpression(t *testing.T) {
	expr, ids, alarm := comparisonAlarm(t, "codedeploy-analysis")
	p := alarm["Properties"].(map[string]any)
	if p["Threshold"] != 1.0 || p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" || p["EvaluationPeriods"] != 2.0 ||
		p["DatapointsToAlarm"] != 2.0 || p["TreatMissingData"] != "notBreaching" {
		t.Errorf("alarm settings %v", p)
	}
	for _, q := range asSlice(p["Metrics"]) {
		if per := dig(q, "MetricStat", "Period"); per != nil && per != 60.0 {
			t.Errorf("%v: period %v, want the 1-min window", dig(q, "Id"), per)
		}
	}
	for _, tc := range []struct {
		name string
		w    window
		want float64
	}{
		{"canary on green with 5 % errors against 0.1 %", window{1000, 1, 0.2, 100, 5, 0.2}, 1},
		{"canary on green as good as blue", window{1000, 1, 0.2, 100, 0, 0.25}, 0},
		{"canary on green 2.5× slower at p99", window{1000, 0, 0.2, 100, 0, 0.5}, 1},
		{"canary on green 1.9× slower at p99", window{1000, 0, 0.2, 100, 0, 0.38}, 0},
		{"production on green: the canary is blue, failing", window{120, 9, 0.1, 1000, 2, 0.1}, 1},
		{"production on green: the canary is blue, healthy", window{120, 0, 0.1, 1000, 2, 0.1}, 0},
		{"canary too quiet to judge", window{1000, 0, 0.2, 60, 30, 3}, 0},
		{"one group serves everything (no deployment)", window{0, 0, 0, 1000, 50, 2}, 0},
		{"the old revision is the worse one", window{1000, 50, 0.9, 100, 0, 0.2}, 0},
		{"two errors are below minErrors", window{1000, 0, 0.2, 100, 2, 0.2}, 0},
		{"3 % errors, above maxErrorRate", window{1000, 10, 0.2, 100, 3, 0.2}, 1},
		{"rate 1.5 % vs 1 %: within maxErrorRate and increase", window{2000, 20, 0.2, 200, 3, 0.2}, 0},
		{"rate 1.8 % vs 1 %: more than 0.5 points worse", window{2000, 20, 0.2, 500, 9, 0.2}, 1},
		{"4 ms against 2 ms: both under the 50 ms floor", window{1000, 0, 0.002, 100, 0, 0.004}, 0},
		{"no datapoints at all", window{}, 0},
	} {
		got, err := evalMetricMath(expr, tc.w.values(ids))
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, expr)
		}
		if math.IsNaN(got) || got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The evaluator itself, against hand-computed values, so the expression
// test does not rest on an evaluator that answers 0 to everything.
func TestEvalMetricMath(t *testing.T) {
	for expr, want := range map[string]float64{
		"1 + 2 * 3":                   7,
		"(1 + 2) * 3":                 9,
		"2 > 1 AND 1 > 2":             0,
		"2 > 1 OR 1 > 2":              1,
		"IF(a < 1, 5, 6)":             6,
		"FILL(missing, 4) - 1":        3,
		"FILL(a, 9)":                  3,
		"a * 0.5 >= 1.5":              1,
		"IF(FILL(nope,0) < 1, 7, 8)":  7,
		"(a - 1) * (a + 1) / 4 == 2":  1,
		"NOT_A_FUNCTION_EXCEPT_THESE": math.NaN(),
	} {
		got, err := evalMetricMath(expr, map[string]float64{"a": 3})
		if math.IsNaN(want) {
			if err == nil {
				t.Errorf("%s: accepted (%v)", expr, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%s = %v (%v), want %v", expr, got, err, want)
		}
	}
	if v, _ := evalMetricMath("a > 1", nil); !math.IsNaN(v) {
		t.Errorf("a missing datapoint must stay missing, got %v", v)
	}
}
