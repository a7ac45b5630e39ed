package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// AZCount is the number of availability zones the VPC spans.
const AZCount = 3

// NetworkStack is <app>-network: the VPC and the two security groups. All
// security group rules live here, so the service stack only references them.
type NetworkStack struct {
	awscdk.Stack
	// Vpc spans AZCount zones with public and private subnets.
	Vpc awsec2.Vpc
	// AlbSG admits the production ports from anywhere and the test port
	// from cfg.TestListenerSources, and reaches the tasks on the container
	// port only.
	AlbSG awsec2.SecurityGroup
	// AppSG admits the container port from AlbSG only and allows HTTPS out.
	AppSG awsec2.SecurityGroup
	// PrivateSubnetType is where the tasks run: PRIVATE_WITH_EGRESS behind NAT,
	// or PRIVATE_ISOLATED with VPC endpoints when natGateways is 0.
	PrivateSubnetType awsec2.SubnetType
	// HookRole is the role the CodeDeploy blue/green hook of the hook-mode
	// service stack uses (nil in codedeploy mode).
	HookRole awsiam.Role
}

// NewNetworkStack creates <app>-network.
func NewNetworkStack(scope constructs.Construct, cfg config.Config) *NetworkStack {
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("network")), stackProps(cfg, "network", "VPC and security groups of "+cfg.AppName))
	private := awsec2.SubnetType_PRIVATE_WITH_EGRESS
	if cfg.NatGateways == 0 {
		private = awsec2.SubnetType_PRIVATE_ISOLATED
	}
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses:        awsec2.IpAddresses_Cidr(jsii.String(cfg.VpcCidr)),
		AvailabilityZones:  availabilityZones(stack, cfg),
		NatGateways:        jsii.Number(float64(cfg.NatGateways)),
		EnableDnsHostnames: jsii.Bool(true),
		EnableDnsSupport:   jsii.Bool(true),
		// The lockdown is a Lambda-backed custom resource (an asset to
		// publish, a function to run); nothing here uses the default group.
		RestrictDefaultSecurityGroup: jsii.Bool(cfg.RestrictDefaultSecurityGroup),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			// Nothing in the public subnets needs an address of its own: the
			// load balancer and the NAT gateways bring theirs.
			{Name: jsii.String("public"), SubnetType: awsec2.SubnetType_PUBLIC, MapPublicIpOnLaunch: jsii.Bool(false)},
			{Name: jsii.String("private"), SubnetType: private},
		},
	})
	if cfg.NatGateways == 0 {
		addEndpoints(stack, vpc)
	}
	if cfg.FlowLogs {
		addFlowLogs(stack, cfg, vpc)
	}
	warnProduction(stack, cfg, "flowlogs")

	albSG := awsec2.NewSecurityGroup(stack, jsii.String("AlbSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:               vpc,
		SecurityGroupName: jsii.String(cfg.AppName + "-alb"),
		// A new description replaces the group, and the fixed name makes that
		// replacement fail: this text stays as first deployed, though the
		// test port no longer admits everyone (see the rules below).
		Description:      jsii.String(AlbSecurityGroupDescription(cfg)),
		AllowAllOutbound: jsii.Bool(false),
	})
	appSG := awsec2.NewSecurityGroup(stack, jsii.String("AppSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:               vpc,
		SecurityGroupName: jsii.String(cfg.AppName + "-app"),
		Description:       jsii.String(fmt.Sprintf("%s tasks: container port from the load balancer only", cfg.AppName)),
		AllowAllOutbound:  jsii.Bool(false),
	})
	// Tasks pull from ECR (API, registry and S3 layers) and write logs, all
	// over HTTPS; DNS to the VPC resolver is not subject to security groups.
	appSG.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS: ECR, image layers, CloudWatch Logs"), jsii.Bool(false))
	for _, p := range productionPorts(cfg) {
		albSG.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(float64(p))), jsii.String(fmt.Sprintf("listener %d", p)), jsii.Bool(false))
	}
	test := awsec2.Port_Tcp(jsii.Number(float64(cfg.TestPort())))
	for _, src := range cfg.TestListenerSources {
		if src.Kind == config.SourceNat {
			for i, ip := range natAddresses(vpc) {
				albSG.AddIngressRule(awsec2.Peer_Ipv4(awscdk.Fn_Join(jsii.String(""), &[]*string{ip, jsii.String("/32")})), test,
					jsii.String(fmt.Sprintf("test listener %d from NAT gateway %d", cfg.TestPort(), i+1)), jsii.Bool(false))
			}
			continue
		}
		albSG.AddIngressRule(peer(src), test, jsii.String(fmt.Sprintf("test listener %d from %s", cfg.TestPort(), src.Value)), jsii.Bool(false))
	}
	port := awsec2.Port_Tcp(jsii.Number(float64(cfg.ContainerPort)))
	appSG.AddIngressRule(albSG, port, jsii.String("container port from the load balancer"), jsii.Bool(false))
	albSG.AddEgressRule(appSG, port, jsii.String("container port to the tasks"), jsii.Bool(false))

	n := &NetworkStack{Stack: stack, Vpc: vpc, AlbSG: albSG, AppSG: appSG, PrivateSubnetType: private}
	if cfg.Mode == config.ModeHook {
		n.publishParameters(cfg)
		n.HookRole = hookServiceRole(stack, cfg)
	}
	return n
}

// AlbSecurityGroupDescription is the load balancer group's description as
// first deployed; it may never change (see NewNetworkStack).
func AlbSecurityGroupDescription(cfg config.Config) string {
	return fmt.Sprintf("%s load balancer: listener ports from anywhere", cfg.AppName)
}

// productionPorts are the load balancer's public ports (production, and the
// :80 redirect with HTTPS); the test port admits cfg.TestListenerSources only.
func productionPorts(cfg config.Config) []int {
	if cfg.HTTPS() {
		return []int{80, 443}
	}
	return []int{80}
}

// natAddresses are the public IPs of the VPC's NAT gateways: the elastic IP
// CDK creates beside each one in its public subnet.
func natAddresses(vpc awsec2.Vpc) []*string {
	var ips []*string
	for _, sn := range *vpc.PublicSubnets() {
		if eip, ok := sn.Node().TryFindChild(jsii.String("EIP")).(awsec2.CfnEIP); ok {
			// Ref of an elastic IP is its address (and the form emulators know).
			ips = append(ips, eip.Ref())
		}
	}
	return ips
}

// peer turns a configured traffic source into a security group peer.
func peer(src config.TrafficSource) awsec2.IPeer {
	switch src.Kind {
	case config.SourcePrefixList:
		return awsec2.Peer_PrefixList(jsii.String(src.Value))
	case config.SourceSecurityGroup:
		return awsec2.Peer_SecurityGroupId(jsii.String(src.Value), nil)
	}
	if strings.Contains(src.Value, ":") {
		return awsec2.Peer_Ipv6(jsii.String(src.Value))
	}
	return awsec2.Peer_Ipv4(jsii.String(src.Value))
}

// availabilityZones pins AZCount zones. Environment-bound stacks take them
// from cdk.context.json (or a lookup); environment-agnostic stacks select
// them from Fn::GetAZs at deploy time, which CDK would otherwise cap at two.
func availabilityZones(stack awscdk.Stack, cfg config.Config) *[]*string {
	if cfg.EnvSpecific() {
		azs := *stack.AvailabilityZones()
		if len(azs) > AZCount {
			azs = azs[:AZCount]
		}
		return &azs
	}
	azs := make([]*string, AZCount)
	for i := range azs {
		azs[i] = awscdk.Fn_Select(jsii.Number(float64(i)), awscdk.Fn_GetAzs(jsii.String("")))
	}
	return &azs
}

// addEndpoints lets tasks in isolated subnets pull images and write logs
// without a NAT gateway.
func addEndpoints(stack awscdk.Stack, vpc awsec2.Vpc) {
	s3 := vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{
		Service: awsec2.GatewayVpcEndpointAwsService_S3(),
	})
	// The tasks use S3 only for image layers, which ECR serves from its
	// region's layer bucket.
	s3.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("s3:GetObject"),
		Resources:  &[]*string{jsii.String("arn:" + *stack.Partition() + ":s3:::prod-" + *stack.Region() + "-starport-layer-bucket/*")},
	}))
	for _, e := range []struct {
		id  string
		svc awsec2.InterfaceVpcEndpointAwsService
	}{
		{"EcrApi", awsec2.InterfaceVpcEndpointAwsService_ECR()},
		{"EcrDocker", awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER()},
		{"Logs", awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS()},
	} {
		vpc.AddInterfaceEndpoint(jsii.String(e.id), &awsec2.InterfaceVpcEndpointOptions{Service: e.svc})
	}
}

// ParameterPrefix is where the network stack publishes its ids in hook mode
// (the hook-mode service template may not import stack exports).
func ParameterPrefix(cfg config.Config) string { return "/" + cfg.AppName + "/network/" }

// publishParameters writes the ids the hook-mode service stack needs as SSM
// parameters, one value each so list lengths stay known at synth time.
func (n *NetworkStack) publishParameters(cfg config.Config) {
	put := func(name string, value *string) {
		awsssm.NewStringParameter(n.Stack, jsii.String("Param"+name), &awsssm.StringParameterProps{
			ParameterName: jsii.String(ParameterPrefix(cfg) + name),
			StringValue:   value,
		})
	}
	put("VpcId", n.Vpc.VpcId())
	put("AlbSecurityGroupId", n.AlbSG.SecurityGroupId())
	put("AppSecurityGroupId", n.AppSG.SecurityGroupId())
	for i, s := range *n.Vpc.PublicSubnets() {
		put(fmt.Sprintf("PublicSubnet%d", i+1), s.SubnetId())
	}
	for i, s := range *n.privateSubnets() {
		put(fmt.Sprintf("PrivateSubnet%d", i+1), s.SubnetId())
	}
}

func (n *NetworkStack) privateSubnets() *[]awsec2.ISubnet {
	if n.PrivateSubnetType == awsec2.SubnetType_PRIVATE_ISOLATED {
		return n.Vpc.IsolatedSubnets()
	}
	return n.Vpc.PrivateSubnets()
}

// hookServiceRole is the role CodeDeploy assumes for hook-mode deployments.
func hookServiceRole(stack awscdk.Stack, cfg config.Config) awsiam.Role {
	return codeDeployRole(stack, stack, cfg, jsii.String(HookServiceRoleName(cfg)), []*string{serviceRolesPattern(stack, cfg)})
}
