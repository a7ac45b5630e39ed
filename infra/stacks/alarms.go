package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
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
		unhealthy := s.targetAlarm(dims, targetAlarmSpec{
			id: "UnhealthyHosts-" + tg.name, name: cfg.AppName + "-unhealthy-hosts-" + tg.name,
			description: "Unhealthy " + tg.name + " targets of " + cfg.AppName,
			metric:      "UnHealthyHostCount", statistic: "Maximum",
			threshold: cfg.UnhealthyHostThreshold, periods: 2,
		})
		errors := s.targetAlarm(dims, targetAlarmSpec{
			id: "Target5xx-" + tg.name, name: cfg.AppName + "-http-5xx-" + tg.name,
			description: "HTTP 5xx answered by " + tg.name + " targets of " + cfg.AppName,
			metric:      "HTTPCode_Target_5XX_Count", statistic: "Sum",
			threshold: cfg.HTTP5xxThreshold, periods: 1,
		})
		s.Alarms = append(s.Alarms, unhealthy, errors)
	}
	if cfg.Analysis.Enabled && cfg.Mode != config.ModeECS {
		// CodeDeploy (codedeploy mode) and CloudFormation's rollback
		// triggers (hook mode) roll back on it; in ecs mode the check
		// function judges the revisions itself.
		s.ComparisonAlarm = s.comparisonAlarm()
		s.Alarms = append(s.Alarms, s.ComparisonAlarm)
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
	if cfg.AlarmNotifications() {
		s.AlarmTopic = s.alarmTopic()
		s.Composite.AddAlarmAction(awscloudwatchactions.NewSnsAction(s.AlarmTopic))
		s.Composite.AddOkAction(awscloudwatchactions.NewSnsAction(s.AlarmTopic))
	}
}

// alarmTopic is the configured SNS topic, or one the stack creates for
// alarmEmail (the address must confirm the subscription).
func (s *ServiceStack) alarmTopic() awssns.ITopic {
	cfg := s.cfg
	var topic awssns.ITopic
	if cfg.AlarmTopicArn != "" {
		topic = awssns.Topic_FromTopicArn(s.Stack, jsii.String("AlarmTopic"), jsii.String(cfg.AlarmTopicArn))
	} else {
		topic = awssns.NewTopic(s.Stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
			TopicName:   jsii.String(cfg.AppName + "-alarms"),
			DisplayName: jsii.String(cfg.AppName + " deployment health"),
			EnforceSSL:  jsii.Bool(true),
		})
	}
	if cfg.AlarmEmail != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(cfg.AlarmEmail), nil))
	}
	return topic
}

// targetAlarmSpec is one per-target-group ALB alarm.
type targetAlarmSpec struct {
	id, name, description string
	metric, statistic     string
	threshold, periods    int
}

// targetAlarm raises an alarm when a one-minute ALB target-group metric
// reaches its threshold for the given number of periods; no data (no
// traffic, e.g. the idle green group) is not a breach.
func (s *ServiceStack) targetAlarm(dims *map[string]*string, a targetAlarmSpec) awscloudwatch.Alarm {
	return awscloudwatch.NewAlarm(s.Stack, jsii.String(a.id), &awscloudwatch.AlarmProps{
		AlarmName:        jsii.String(a.name),
		AlarmDescription: jsii.String(a.description),
		Metric: awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String("AWS/ApplicationELB"),
			MetricName:    jsii.String(a.metric),
			Statistic:     jsii.String(a.statistic),
			Period:        awscdk.Duration_Minutes(jsii.Number(1)),
			DimensionsMap: dims,
		}),
		Threshold:          jsii.Number(float64(a.threshold)),
		EvaluationPeriods:  jsii.Number(float64(a.periods)),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
}
