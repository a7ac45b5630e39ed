package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// HealthCheckPath is the app's health endpoint, probed by the target groups.
const HealthCheckPath = "/healthz"

func (s *ServiceStack) loadBalancer() {
	cfg := s.cfg
	s.LoadBalancer = elb.NewApplicationLoadBalancer(s.Stack, jsii.String("LoadBalancer"), &elb.ApplicationLoadBalancerProps{
		Vpc:                     s.net.vpc,
		InternetFacing:          jsii.Bool(true),
		SecurityGroup:           s.net.albSG,
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC},
		DropInvalidHeaderFields: jsii.Bool(true),
		DeletionProtection:      jsii.Bool(cfg.DeletionProtection),
	})
	if cfg.AccessLogs {
		s.LoadBalancer.LogAccessLogs(s.accessLogBucket(), jsii.String("alb"))
	}
	s.Blue = s.targetGroup("Blue")
	s.Green = s.targetGroup("Green")

	protocol := elb.ApplicationProtocol_HTTP
	var certs *[]elb.IListenerCertificate
	if cfg.HTTPS() {
		protocol = elb.ApplicationProtocol_HTTPS
		certs = &[]elb.IListenerCertificate{elb.ListenerCertificate_FromArn(jsii.String(cfg.CertificateArn))}
	}
	// Where the listeners forward now (config.ListenerTargets): a template
	// that said blue after an odd number of releases would move production
	// back on any listener update.
	prodTarget, testTarget := cfg.ListenerTargets()
	listener := func(id string, port int, color config.TargetColor) elb.ApplicationListener {
		tg := s.Blue
		if color == config.Green {
			tg = s.Green
		}
		props := &elb.BaseApplicationListenerProps{
			Port:          jsii.Number(float64(port)),
			Protocol:      protocol,
			Certificates:  certs,
			Open:          jsii.Bool(false),
			DefaultAction: elb.ListenerAction_WeightedForward(&[]*elb.WeightedTargetGroup{{TargetGroup: tg, Weight: jsii.Number(100)}}, nil),
		}
		if cfg.HTTPS() {
			props.SslPolicy = elb.SslPolicy_RECOMMENDED_TLS
		}
		return s.LoadBalancer.AddListener(jsii.String(id), props)
	}
	s.ProdListener = listener("ProductionListener", cfg.ProductionPort(), prodTarget)
	s.TestListener = listener("TestListener", cfg.TestPort(), testTarget)
	if cfg.HTTPS() {
		redirect := s.LoadBalancer.AddListener(jsii.String("HttpRedirect"), &elb.BaseApplicationListenerProps{
			Port:     jsii.Number(80),
			Protocol: elb.ApplicationProtocol_HTTP,
			Open:     jsii.Bool(false),
			DefaultAction: elb.ListenerAction_Redirect(&elb.RedirectOptions{
				Protocol:  jsii.String("HTTPS"),
				Port:      jsii.String("443"),
				Permanent: jsii.Bool(true),
			}),
		})
		// Turning HTTPS on moves the production listener from :80 to :443;
		// the redirect may only take :80 once it is free.
		redirect.Node().AddDependency(s.ProdListener)
	}
	warnProduction(s.Stack, cfg, "https")
}

func (s *ServiceStack) targetGroup(id string) elb.ApplicationTargetGroup {
	return elb.NewApplicationTargetGroup(s.Stack, jsii.String(id), &elb.ApplicationTargetGroupProps{
		Vpc:        s.net.vpc,
		Port:       jsii.Number(float64(s.cfg.ContainerPort)),
		Protocol:   elb.ApplicationProtocol_HTTP,
		TargetType: elb.TargetType_IP,
		// ECS deregisters a stopping task, waits this long, and only then
		// sends SIGTERM: the drain must outlast the longest request, or the
		// load balancer cuts it before the app's graceful shutdown begins.
		DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(float64(s.cfg.MaxRequestSeconds))),
		HealthCheck: &elb.HealthCheck{
			Path:                    jsii.String(HealthCheckPath),
			Protocol:                elb.Protocol_HTTP,
			Interval:                awscdk.Duration_Seconds(jsii.Number(5)),
			Timeout:                 awscdk.Duration_Seconds(jsii.Number(4)),
			HealthyThresholdCount:   jsii.Number(2),
			UnhealthyThresholdCount: jsii.Number(3),
			HealthyHttpCodes:        jsii.String("200"),
		},
	})
}

// accessLogBucket is where the load balancer writes its access logs: private,
// TLS only, S3-managed encryption (the only kind ALB log delivery writes to),
// objects expiring after logRetentionDays, kept when the stack is deleted.
func (s *ServiceStack) accessLogBucket() awss3.Bucket {
	return awss3.NewBucket(s.Stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(false),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-access-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(float64(s.cfg.LogRetentionDays))),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
}
