package stacks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// comparisonAlarm is the analysis as a CloudWatch metric-math alarm, for the
// controllers that roll back on alarms (CodeDeploy's deployment group, the
// hook-mode stack's rollback triggers): in ALARM when, for analysisBadWindows
// windows in a row, the target group with the smaller share of the requests
// does worse than the other (see comparisonExpression).
//
// Why "the smaller share" instead of "green": production alternates between
// the two target groups from one release to the next, so neither name means
// "new". While a canary (or the early steps of a linear deployment) runs,
// the new revision is the one serving the smaller share; outside a
// deployment one group serves everything and the other nothing, which never
// meets analysisMinRequests on both sides, so the alarm stays OK. Past the
// half-way step of a linear deployment the roles swap: the alarm then judges
// the old revision against the new one and fires only if the OLD one is
// clearly worse — a rollback of a release that fixed a bad one. Canary
// configurations have no such step.
//
// One alarm, not one per metric: hook-mode rollback triggers take at most
// five alarms, and the four per-target-group alarms are already there.
func (s *ServiceStack) comparisonAlarm() awscloudwatch.Alarm {
	cfg := s.cfg
	p := cfg.Analysis.Policy
	period := awscdk.Duration_Seconds(jsii.Number(float64(p.WindowSeconds())))
	metric := func(tg, name, stat string) awscloudwatch.IMetric {
		var group *string
		if tg == "b" {
			group = s.Blue.TargetGroupFullName()
		} else {
			group = s.Green.TargetGroupFullName()
		}
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/ApplicationELB"), MetricName: jsii.String(name), Statistic: jsii.String(stat), Period: period,
			DimensionsMap: &map[string]*string{"TargetGroup": group, "LoadBalancer": s.LoadBalancer.LoadBalancerFullName()},
		})
	}
	using := map[string]awscloudwatch.IMetric{}
	for _, tg := range []string{"b", "g"} {
		using["q"+tg] = metric(tg, "RequestCount", "Sum")
		using["x"+tg] = metric(tg, "HTTPCode_Target_5XX_Count", "Sum")
		using["l"+tg] = metric(tg, "TargetResponseTime", "p99")
	}
	expr := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String(comparisonExpression(p)),
		UsingMetrics: &using,
		Period:       period,
		Label:        jsii.String("smaller-share target group worse than the other (1) or not (0)"),
	})
	return awscloudwatch.NewAlarm(s.Stack, jsii.String("CanaryComparison"), &awscloudwatch.AlarmProps{
		AlarmName: jsii.String(cfg.AppName + "-canary-comparison"),
		AlarmDescription: jsii.String(fmt.Sprintf("%s: the target group serving the smaller share of requests (the canary) has a 5xx rate above %g, "+
			"or %g above the other group's, or a p99 over %g× the other's, in %d window(s) of %d min in a row (each side at least %d requests)",
			cfg.AppName, p.MaxErrorRate, p.MaxErrorRateIncrease, p.MaxP99Ratio, p.BadWindows, p.WindowMinutes, p.MinRequests)),
		Metric:             expr,
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(float64(p.BadWindows)),
		DatapointsToAlarm:  jsii.Number(float64(p.BadWindows)),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
}

// comparisonExpression is 1 in a window where either target group, serving
// the smaller share, does worse than the other under the policy, else 0.
// Per side X against Y (q requests, x target 5xx, l p99 seconds; FILL makes
// a quiet minute count as zero):
//
//	qX < qY AND qX ≥ minRequests AND qY ≥ minRequests AND
//	( xX ≥ minErrors AND ( xX > maxErrorRate·qX OR xX·qY − xY·qX > maxErrorRateIncrease·qX·qY )
//	  OR max(lX, floor) > maxP99Ratio · max(lY, floor) )
//
// The rates are compared cross-multiplied, so no division by a zero count
// can leave a gap in the series; everything is parenthesized, so the
// meaning does not rest on operator precedence.
func comparisonExpression(p config.Policy) string {
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	floor := num(float64(p.LatencyFloorMillis) / 1000)
	worse := func(x, y string) string {
		q, qo := "FILL(q"+x+",0)", "FILL(q"+y+",0)"
		e, eo := "FILL(x"+x+",0)", "FILL(x"+y+",0)"
		l, lo := "FILL(l"+x+",0)", "FILL(l"+y+",0)"
		parts := []string{
			fmt.Sprintf("(%s < %s)", q, qo),
			fmt.Sprintf("(%s >= %d)", q, p.MinRequests),
			fmt.Sprintf("(%s >= %d)", qo, p.MinRequests),
			fmt.Sprintf("(((%s >= %d) AND ((%s > (%s * %s)) OR (((%s * %s) - (%s * %s)) > (%s * %s * %s)))) OR (IF(%s < %s, %s, %s) > (%s * IF(%s < %s, %s, %s))))",
				e, p.MinErrors, e, num(p.MaxErrorRate), q, e, qo, eo, q, num(p.MaxErrorRateIncrease), q, qo,
				l, floor, floor, l, num(p.MaxP99Ratio), lo, floor, floor, lo),
		}
		return "(" + strings.Join(parts, " AND ") + ")"
	}
	return worse("g", "b") + " OR " + worse("b", "g")
}
