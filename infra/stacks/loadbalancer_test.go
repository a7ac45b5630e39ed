package stacks

import (
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestServiceLoadBalancing(t *testing.T) {
	s := synth(t, "codedeploy")
	tpl := s.templates["service"]
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), obj{"Scheme": "internet-facing", "Type": "application"})
		tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), jsii.Number(2))
		tpl.AllResourcesProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), obj{
			"TargetType":                 "ip",
			"Port":                       3000,
			"HealthCheckPath":            "/healthz",
			"HealthCheckIntervalSeconds": 5,
			"HealthyThresholdCount":      2,
			"Matcher":                    obj{"HttpCode": "200"},
			"TargetGroupAttributes":      arrayWith(obj{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}),
		})
		tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), jsii.Number(2))
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{"Port": 80, "Protocol": "HTTP"})
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{"Port": 8080, "Protocol": "HTTP"})
	})
	h := synth(t, "hook")
	check(t, func() {
		ht := h.templates["service"]
		ht.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), jsii.Number(3))
		ht.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
			"Port": 443, "Protocol": "HTTPS",
			"Certificates": arr{obj{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0000-1111"}},
		})
		ht.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
			"Port": 80, "DefaultActions": arr{like(obj{"Type": "redirect", "RedirectConfig": like(obj{"Protocol": "HTTPS", "Port": "443"})})},
		})
		ht.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{"Port": 8080, "Protocol": "HTTPS"})
		ht.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), obj{"Name": "app.example.com.", "Type": "A", "HostedZoneId": "Z0123456789ABC"})
		// Turning HTTPS on: the redirect takes :80 only after the production listener left it.
		ht.HasResource(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
			"Properties": like(obj{"Port": 80}),
			"DependsOn":  arrayWith(assertions.Match_StringLikeRegexp(jsii.String("^LoadBalancerProductionListener"))),
		})
		// Production profile: deletion protection and access logs to a private bucket.
		ht.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), obj{"LoadBalancerAttributes": arrayWith(
			obj{"Key": "deletion_protection.enabled", "Value": "true"},
			obj{"Key": "access_logs.s3.enabled", "Value": "true"},
		)})
		ht.HasResource(jsii.String("AWS::S3::Bucket"), obj{"DeletionPolicy": "Retain", "Properties": like(obj{
			"LifecycleConfiguration": obj{"Rules": arr{like(obj{"ExpirationInDays": 30, "Status": "Enabled"})}},
		})})
	})
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), obj{"LoadBalancerAttributes": arrayWith(
			obj{"Key": "deletion_protection.enabled", "Value": "false"})})
		tpl.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(0))
	})
}

// TestListenersFollowLiveState: a first deployment forwards production to
// blue; once production runs on green (an odd number of releases), the
// listeners are synthesized on green so no stack update moves it back.
func TestListenersFollowLiveState(t *testing.T) {
	forwards := func(sc string) map[float64]string {
		out := map[float64]string{}
		for _, l := range findResources(synth(t, sc).json["service"], "AWS::ElasticLoadBalancingV2::Listener") {
			for _, a := range asSlice(dig(l, "Properties", "DefaultActions")) {
				for _, tg := range asSlice(dig(a, "ForwardConfig", "TargetGroups")) {
					ref, _ := dig(tg, "TargetGroupArn", "Ref").(string)
					out[dig(l, "Properties", "Port").(float64)] = strings.TrimRight(ref, "0123456789ABCDEF")
				}
			}
		}
		return out
	}
	for sc, want := range map[string]map[float64]string{
		"codedeploy": {80: "Blue", 8080: "Green"},  // not deployed yet
		"hook":       {443: "Blue", 8080: "Blue"},  // hook mode: the hook creates green
		"agnostic":   {443: "Green", 8080: "Blue"}, // deployed, production on green
	} {
		if got := forwards(sc); !maps.Equal(got, want) {
			t.Errorf("%s: listeners forward %v, want %v", sc, got, want)
		}
	}
	if l := synth(t, "agnostic").cfg.Live; l.ProductionTarget != "green" {
		t.Fatalf("agnostic scenario must carry the deployed state, has %+v", l)
	}
}
