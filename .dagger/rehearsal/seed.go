package rehearsal

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"dagger/ecs-bluegreen/stackout"
)

// Seed modes: the deployment mode of the <app>-service stack to create.
const (
	SeedCodeDeploy = stackout.ModeCodeDeploy
	SeedECS        = stackout.ModeECS
)

// Account is the account id moto reports.
const Account = "123456789012"

// Seeded names what Seed created.
type Seeded struct {
	// Stack is the service stack (<app>-service).
	Stack string
	// Outputs are its outputs, as the module reads them.
	Outputs map[string]string
}

var appName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)

// CheckSeed refuses a seed mode or app name Seed cannot use.
func CheckSeed(mode, app string) error {
	if mode != SeedCodeDeploy && mode != SeedECS {
		return fmt.Errorf("seed %q is invalid: expected %q or %q", mode, SeedCodeDeploy, SeedECS)
	}
	if !appName.MatchString(app) {
		return fmt.Errorf("app %q is invalid: expected a lower-case letter, then up to 19 lower-case letters, digits or '-'", app)
	}
	return nil
}

// Seed creates, through cfg's endpoint (the stand-in), the state a deployed
// <app>-service stack leaves in mode codedeploy or ecs. The service runs
// revision 1 of the task family <app>, whose image is <repository>:seed.
//
// In codedeploy mode the service is created in moto directly (motoURL):
// the CodeDeploy engine, not the ECS engine, deploys a CODE_DEPLOY
// service, and it keeps moto's service on the task definition it deployed.
func Seed(ctx context.Context, cfg aws.Config, motoURL, mode, app string) (Seeded, error) {
	if err := CheckSeed(mode, app); err != nil {
		return Seeded{}, err
	}
	s := seeder{cfg: cfg, moto: cfg.Copy(), app: app, out: map[string]string{}}
	s.moto.BaseEndpoint = aws.String(motoURL)
	for _, step := range []func(context.Context) error{s.network, s.repository, s.loadBalancer, s.listeners(mode), s.taskDefinition, s.service(mode)} {
		if err := step(ctx); err != nil {
			return Seeded{}, fmt.Errorf("seeding %s mode: %w", mode, err)
		}
	}
	if mode == SeedCodeDeploy {
		if err := s.codeDeploy(ctx); err != nil {
			return Seeded{}, fmt.Errorf("seeding codedeploy mode: %w", err)
		}
	}
	stack := app + "-service"
	if err := outputsStack(ctx, cfg, stack, s.out); err != nil {
		return Seeded{}, err
	}
	return Seeded{Stack: stack, Outputs: s.out}, nil
}

type seeder struct {
	cfg, moto     aws.Config
	app           string
	out           map[string]string
	vpc           string
	subnets       []string
	lb, dns       string
	blue, green   string
	prod, test    string // listener ARNs
	taskDef, role string
}

func (s *seeder) network(ctx context.Context) error {
	vpc, subnets, sg, err := ec2Client{endpoint: aws.ToString(s.cfg.BaseEndpoint), region: s.cfg.Region}.network(ctx, s.app)
	if err != nil {
		return err
	}
	s.vpc, s.subnets = vpc, subnets
	s.out[stackout.KeySubnets], s.out[stackout.KeySecurityGroups] = strings.Join(subnets, ","), sg
	return nil
}

func (s *seeder) repository(ctx context.Context) error {
	out, err := ecr.NewFromConfig(s.cfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(s.app)})
	if err != nil {
		return err
	}
	s.out[stackout.KeyRepositoryUri] = aws.ToString(out.Repository.RepositoryUri)
	return nil
}

func (s *seeder) loadBalancer(ctx context.Context) error {
	api := elb.NewFromConfig(s.cfg)
	lb, err := api.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String(s.app + "-alb"), Subnets: s.subnets})
	if err != nil {
		return err
	}
	s.lb, s.dns = aws.ToString(lb.LoadBalancers[0].LoadBalancerArn), aws.ToString(lb.LoadBalancers[0].DNSName)
	for _, tg := range []struct {
		name string
		arn  *string
	}{{s.app + "-blue", &s.blue}, {s.app + "-green", &s.green}} {
		out, err := api.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
			Name: aws.String(tg.name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(3000), VpcId: aws.String(s.vpc), TargetType: elbtypes.TargetTypeEnumIp,
		})
		if err != nil {
			return err
		}
		*tg.arn = aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	s.out[stackout.KeyProductionUrl], s.out[stackout.KeyTestUrl] = "http://"+s.dns, "http://"+s.dns+":8080"
	return nil
}

// listeners creates the production (:80) and test (:8080) listeners: in
// codedeploy mode forwarding to blue by default, in ecs mode answering 404
// by default with one rule each forwarding to blue (weight 999) and green
// (weight 0), which the ECS controller rewrites.
func (s *seeder) listeners(mode string) func(context.Context) error {
	return func(ctx context.Context) error {
		api := elb.NewFromConfig(s.cfg)
		for _, l := range []struct {
			port       int32
			arn        *string
			ruleOutput string
		}{{80, &s.prod, stackout.KeyProductionListenerRule}, {8080, &s.test, stackout.KeyTestListenerRule}} {
			def := elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(s.blue)}
			if mode == SeedECS {
				def = elbtypes.Action{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404"), ContentType: aws.String("text/plain")}}
			}
			out, err := api.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(s.lb), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(l.port), DefaultActions: []elbtypes.Action{def}})
			if err != nil {
				return err
			}
			*l.arn = aws.ToString(out.Listeners[0].ListenerArn)
			if mode != SeedECS {
				continue
			}
			rule, err := api.CreateRule(ctx, &elb.CreateRuleInput{
				ListenerArn: l.arn, Priority: aws.Int32(10),
				Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/*"}}}},
				Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
					{TargetGroupArn: aws.String(s.blue), Weight: aws.Int32(999)}, {TargetGroupArn: aws.String(s.green), Weight: aws.Int32(0)},
				}}}},
			})
			if err != nil {
				return err
			}
			s.out[l.ruleOutput] = aws.ToString(rule.Rules[0].RuleArn)
		}
		if mode == SeedECS {
			s.out[stackout.KeyBlueTargetGroup], s.out[stackout.KeyGreenTargetGroup] = s.blue, s.green
		}
		return nil
	}
}

func (s *seeder) taskDefinition(ctx context.Context) error {
	iam := "arn:aws:iam::" + Account + ":role/"
	exec, task := iam+s.app+"-execution", iam+s.app+"-task"
	logs := "/ecs/" + s.app
	out, err := ecs.NewFromConfig(s.cfg).RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(s.app), NetworkMode: ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu:                     aws.String("256"), Memory: aws.String("512"),
		ExecutionRoleArn: aws.String(exec), TaskRoleArn: aws.String(task),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String(s.app), Image: aws.String(s.out[stackout.KeyRepositoryUri] + ":seed"), Essential: aws.Bool(true),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(3000), Protocol: ecstypes.TransportProtocolTcp}},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": logs, "awslogs-region": s.cfg.Region, "awslogs-stream-prefix": s.app,
			}},
		}},
	})
	if err != nil {
		return err
	}
	s.taskDef, s.role = aws.ToString(out.TaskDefinition.TaskDefinitionArn), iam+s.app+"-ecs-infrastructure"
	for k, v := range map[string]string{
		stackout.KeyClusterName: s.app, stackout.KeyServiceName: s.app, stackout.KeyTaskFamily: s.app,
		stackout.KeyTaskDefinitionArn: s.taskDef, stackout.KeyContainerName: s.app, stackout.KeyContainerPort: "3000",
		stackout.KeyExecutionRoleArn: exec, stackout.KeyTaskRoleArn: task, stackout.KeyLogGroupName: logs,
	} {
		s.out[k] = v
	}
	return nil
}

// service creates the cluster and the service: the CODE_DEPLOY controller
// in codedeploy mode; in ecs mode the ECS controller with a canary (10 %,
// 10 minutes), a 5-minute bake and a PAUSE hook after the test traffic
// shift, which holds the deployment until `continue`.
func (s *seeder) service(mode string) func(context.Context) error {
	return func(ctx context.Context) error {
		api := ecs.NewFromConfig(s.cfg)
		if _, err := api.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(s.app)}); err != nil {
			return err
		}
		in := &ecs.CreateServiceInput{
			Cluster: aws.String(s.app), ServiceName: aws.String(s.app), TaskDefinition: aws.String(s.taskDef),
			DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate,
			DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeCodeDeploy},
			NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
				Subnets: s.subnets, SecurityGroups: []string{s.out[stackout.KeySecurityGroups]}, AssignPublicIp: ecstypes.AssignPublicIpDisabled,
			}},
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(s.blue), ContainerName: aws.String(s.app), ContainerPort: aws.Int32(3000)}},
		}
		s.out[stackout.KeyDeploymentMode] = mode
		if mode == SeedECS {
			in.DeploymentController.Type = ecstypes.DeploymentControllerTypeEcs
			in.LoadBalancers[0].AdvancedConfiguration = &ecstypes.AdvancedConfiguration{
				AlternateTargetGroupArn: aws.String(s.green), ProductionListenerRule: aws.String(s.out[stackout.KeyProductionListenerRule]),
				TestListenerRule: aws.String(s.out[stackout.KeyTestListenerRule]), RoleArn: aws.String(s.role),
			}
			in.DeploymentConfiguration = &ecstypes.DeploymentConfiguration{
				Strategy: ecstypes.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(5),
				CanaryConfiguration: &ecstypes.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(10)},
				LifecycleHooks: []ecstypes.DeploymentLifecycleHook{{
					TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause, LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStagePostTestTrafficShift},
				}},
			}
			s.out[stackout.KeyDeploymentStrategy] = "CANARY"
		}
		if mode == SeedCodeDeploy {
			api = ecs.NewFromConfig(s.moto)
		}
		_, err := api.CreateService(ctx, in)
		return err
	}
}
