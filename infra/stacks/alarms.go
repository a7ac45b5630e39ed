package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"
)

// alarms adds an unhealthy-host and a target-5xx alarm per target group and a
// composite alarm over all of them. Metrics are built from dimensions rather
// than the target group helpers because in hook mode the green target group
// is attached to a listener only during a deployment.
func (s *ServiceStack) alarms() {
	cfg := s.cfg
	for _, tg := range []struct {
		name  string
		group elb.ApplicationTargetGroup
	}{{"blue", s.Blue}, {"green", s.Green}} {
		dims := &map[string]*string{
			"TargetGroup":  tg.group.TargetGroupFullName(),
			"LoadBalancer": s.LoadBalancer.LoadBalancerFullName(),
		}
		unhealthy := awscloudwatch.NewAlarm(s.Stack, jsii.String("UnhealthyHosts-"+tg.name), &awscloudwatch.AlarmProps{
			AlarmName:        jsii.String(cfg.AppName + "-unhealthy-hosts-" + tg.name),
			AlarmDescription: jsii.String("Unhealthy " + tg.name + " targets of " + cfg.AppName),
			Metric: awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
				Namespace:     jsii.String("AWS/ApplicationELB"),
				MetricName:    jsii.String("UnHealthyHostCount"),
				Statistic:     jsii.String("Maximum"),
				Period:        awscdk.Duration_Minutes(jsii.Number(1)),
				DimensionsMap: dims,
			}),
			Threshold:          jsii.Number(float64(cfg.UnhealthyHostThreshold)),
			EvaluationPeriods:  jsii.Number(2),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		errors := awscloudwatch.NewAlarm(s.Stack, jsii.String("Target5xx-"+tg.name), &awscloudwatch.AlarmProps{
			AlarmName:        jsii.String(cfg.AppName + "-http-5xx-" + tg.name),
			AlarmDescription: jsii.String("HTTP 5xx answered by " + tg.name + " targets of " + cfg.AppName),
			Metric: awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
				Namespace:     jsii.String("AWS/ApplicationELB"),
				MetricName:    jsii.String("HTTPCode_Target_5XX_Count"),
				Statistic:     jsii.String("Sum"),
				Period:        awscdk.Duration_Minutes(jsii.Number(1)),
				DimensionsMap: dims,
			}),
			Threshold:          jsii.Number(float64(cfg.HTTP5xxThreshold)),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		s.Alarms = append(s.Alarms, unhealthy, errors)
	}
	rules := make([]awscloudwatch.IAlarmRule, len(s.Alarms))
	for i, a := range s.Alarms {
		rules[i] = awscloudwatch.AlarmRule_FromAlarm(a, awscloudwatch.AlarmState_ALARM)
	}
	s.Composite = awscloudwatch.NewCompositeAlarm(s.Stack, jsii.String("DeploymentHealth"), &awscloudwatch.CompositeAlarmProps{
		CompositeAlarmName: jsii.String(cfg.AppName + "-deployment-health"),
		AlarmDescription:   jsii.String("Any unhealthy-host or 5xx alarm of " + cfg.AppName),
		AlarmRule:          awscloudwatch.AlarmRule_AnyOf(rules...),
	})
}
