package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Lookup returns the raw context value for a key and whether it is set. CDK
// context values arrive as strings (-c key=value) or JSON values (cdk.json).
type Lookup func(key string) (any, bool)

// Getenv reads an environment variable (os.Getenv in production).
type Getenv func(key string) string

// Context keys, as written in cdk.json "context" or passed with -c key=value.
const (
	KeyAppName                = "appName"
	KeyAccount                = "account"
	KeyRegion                 = "region"
	KeyVpcCidr                = "vpcCidr"
	KeyNatGateways            = "natGateways"
	KeyContainerPort          = "containerPort"
	KeyCPU                    = "cpu"
	KeyMemory                 = "memory"
	KeyCPUArchitecture        = "cpuArchitecture"
	KeyDesiredCount           = "desiredCount"
	KeyLogRetentionDays       = "logRetentionDays"
	KeyImage                  = "image"
	KeyHealthCheckCommand     = "healthCheckCommand"
	KeyDeploymentMode         = "deploymentMode"
	KeyDeploymentConfig       = "deploymentConfig"
	KeyTrafficPercent         = "trafficPercent"
	KeyTrafficMinutes         = "trafficMinutes"
	KeyTerminationWait        = "terminationWaitMinutes"
	KeyAfterAllowTestTraffic  = "afterAllowTestTrafficHook"
	KeyCertificateArn         = "certificateArn"
	KeyHostedZoneID           = "hostedZoneId"
	KeyZoneName               = "zoneName"
	KeyDomainName             = "domainName"
	KeyUnhealthyHostThreshold = "unhealthyHostThreshold"
	KeyHTTP5xxThreshold       = "http5xxThreshold"
	KeySourceType             = "sourceType"
	KeyCodeCommitRepository   = "codecommitRepository"
	KeyConnectionArn          = "connectionArn"
	KeyGitHubOwner            = "githubOwner"
	KeyGitHubRepo             = "githubRepo"
	KeyBranch                 = "branch"
	KeyTestListenerSources    = "testListenerSources"
	KeyMaxRequestSeconds      = "maxRequestSeconds"
	KeyHookFunctions          = "hookFunctions"
	KeyAlarmEmail             = "alarmEmail"
	KeyAlarmTopicArn          = "alarmTopicArn"
	KeyProfile                = "profile"
	KeyAccessLogs             = "accessLogs"
	KeyDeletionProtection     = "deletionProtection"
	KeyKeepImages             = "keepImages"
	KeyRestrictDefaultSG      = "restrictDefaultSecurityGroup"
	KeyFlowLogs               = "flowLogs"
	KeyPipeline               = "pipeline"
)

// Context keys deploy-infra sets from the deployed stacks before every synth
// (see Live); not meant for cdk.json.
const (
	KeyLiveProductionTarget = "liveProductionTarget"
	KeyLiveTestTarget       = "liveTestTarget"
	KeyLiveDeploymentMode   = "liveDeploymentMode"
	// Set only over a deployed ecs-mode stack: the listeners' default
	// actions (the two keys above are then the listener rules').
	KeyLiveProductionListenerTarget = "liveProductionListenerTarget"
	KeyLiveTestListenerTarget       = "liveTestListenerTarget"
	// The revision the service runs (codedeploy and ecs modes; the ecs-mode
	// service keeps it).
	KeyLiveTaskDefinition = "liveTaskDefinition"
	// The app image the service runs (hook mode).
	KeyLiveImage = "liveImage"
)

// Environment variables the CDK CLI sets from the caller's credentials.
const (
	EnvAccount = "CDK_DEFAULT_ACCOUNT"
	EnvRegion  = "CDK_DEFAULT_REGION"
)

// Defaults for every optional key.
const (
	DefaultAppName                = "webapp"
	DefaultVpcCidr                = "10.0.0.0/16"
	DefaultNatGateways            = 1
	DefaultContainerPort          = 3000
	DefaultCPU                    = 512
	DefaultMemory                 = 1024
	DefaultCPUArchitecture        = CPUArchitectureX86
	DefaultDesiredCount           = 2
	DefaultLogRetentionDays       = 30
	DefaultDeploymentConfig       = "ALL_AT_ONCE"
	DefaultTerminationWait        = 5
	DefaultUnhealthyHostThreshold = 1
	DefaultHTTP5xxThreshold       = 5
	DefaultBranch                 = "main"
	DefaultMaxRequestSeconds      = 30
	DefaultKeepImages             = 200
	// MaxMaxRequestSeconds keeps stopTimeout within Fargate's 120 s.
	MaxMaxRequestSeconds = 120 - StopMarginSeconds
)

// reader pulls typed values out of a Lookup and records every problem.
type reader struct {
	get  Lookup
	errs *Errors
}

func (r reader) str(key, def string) string {
	v, ok := r.get(key)
	if !ok || v == nil {
		return def
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	if s == "" {
		return def
	}
	return s
}

func (r reader) integer(key string, def, lo, hi int) int {
	raw := r.str(key, "")
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		r.errs.add(key, raw, fmt.Sprintf("a whole number from %d to %d", lo, hi))
		return def
	}
	if n < lo || n > hi {
		r.errs.add(key, raw, fmt.Sprintf("a whole number from %d to %d", lo, hi))
	}
	return n
}

// Load reads and validates the configuration. The error, if any, is an
// *Errors listing every invalid key with its value and the accepted values.
func Load(get Lookup, getenv Getenv) (Config, error) {
	errs := &Errors{}
	r := reader{get: get, errs: errs}
	c := Config{
		AppName:                   r.str(KeyAppName, DefaultAppName),
		VpcCidr:                   r.str(KeyVpcCidr, DefaultVpcCidr),
		NatGateways:               r.integer(KeyNatGateways, DefaultNatGateways, 0, 3),
		ContainerPort:             r.integer(KeyContainerPort, DefaultContainerPort, 1, 65535),
		CPU:                       r.integer(KeyCPU, DefaultCPU, 256, 16384),
		Memory:                    r.integer(KeyMemory, DefaultMemory, 512, 122880),
		CPUArchitecture:           strings.ToUpper(r.str(KeyCPUArchitecture, DefaultCPUArchitecture)),
		DesiredCount:              r.integer(KeyDesiredCount, DefaultDesiredCount, 1, 100),
		LogRetentionDays:          r.integer(KeyLogRetentionDays, DefaultLogRetentionDays, 1, 3653),
		Image:                     r.str(KeyImage, ""),
		Mode:                      Mode(r.str(KeyDeploymentMode, string(ModeCodeDeploy))),
		TerminationWaitMinutes:    r.integer(KeyTerminationWait, DefaultTerminationWait, 0, 2880),
		AfterAllowTestTrafficHook: r.str(KeyAfterAllowTestTraffic, ""),
		CertificateArn:            r.str(KeyCertificateArn, ""),
		HostedZoneID:              r.str(KeyHostedZoneID, ""),
		ZoneName:                  r.str(KeyZoneName, ""),
		DomainName:                r.str(KeyDomainName, ""),
		UnhealthyHostThreshold:    r.integer(KeyUnhealthyHostThreshold, DefaultUnhealthyHostThreshold, 1, 1000),
		HTTP5xxThreshold:          r.integer(KeyHTTP5xxThreshold, DefaultHTTP5xxThreshold, 1, 1000000),
	}
	c.Account, c.Region = r.environment(getenv)
	c.Pipeline = r.boolean(KeyPipeline, c.Mode != ModeHook)
	c.HealthCheckCommand = strings.Fields(r.str(KeyHealthCheckCommand, ""))
	if c.Mode == ModeECS {
		c.Deployment, c.ECS = r.ecsDeployment(c.TerminationWaitMinutes)
	} else {
		c.Deployment = r.deployment()
		validateNotECS(get, errs)
	}
	c.Source = Source{
		Type:                 SourceType(r.str(KeySourceType, string(SourceCodeCommit))),
		CodeCommitRepository: r.str(KeyCodeCommitRepository, c.AppName),
		ConnectionArn:        r.str(KeyConnectionArn, ""),
		Owner:                r.str(KeyGitHubOwner, ""),
		Repo:                 r.str(KeyGitHubRepo, ""),
		Branch:               r.str(KeyBranch, DefaultBranch),
	}
	c.TestListenerSources = r.trafficSources(KeyTestListenerSources, c.VpcCidr, c.NatGateways)
	c.MaxRequestSeconds = r.integer(KeyMaxRequestSeconds, DefaultMaxRequestSeconds, 1, MaxMaxRequestSeconds)
	c.HookFunctions = r.list(KeyHookFunctions)
	c.Analysis = r.analysis()
	if c.Analysis.Enabled && c.Mode == ModeECS {
		c.ECS.AnalysisWaitMinutes = c.Analysis.MaxWaitMinutes
	}
	if c.Analysis.Enabled && c.Mode == ModeHook && c.AfterAllowTestTrafficHook == "" {
		// The deployment check is the smoke test once test traffic arrives.
		c.AfterAllowTestTrafficHook = c.AnalysisFunctionName()
	}
	if c.Analysis.Enabled && c.Mode == ModeCodeDeploy && !slices.Contains(c.HookFunctions, c.AnalysisFunctionName()) {
		// CodeDeploy invokes it as the AfterAllowTestTraffic hook (release --hooks).
		c.HookFunctions = append(c.HookFunctions, c.AnalysisFunctionName())
	}
	if c.Mode == ModeHook && c.AfterAllowTestTrafficHook != "" && !slices.Contains(c.HookFunctions, c.AfterAllowTestTrafficHook) {
		c.HookFunctions = append(c.HookFunctions, c.AfterAllowTestTrafficHook)
	}
	c.AlarmEmail = r.str(KeyAlarmEmail, "")
	c.AlarmTopicArn = r.str(KeyAlarmTopicArn, "")
	c.Profile = Profile(r.str(KeyProfile, string(ProfileDevelopment)))
	production := c.Profile == ProfileProduction
	c.AccessLogs = r.boolean(KeyAccessLogs, production)
	c.DeletionProtection = r.boolean(KeyDeletionProtection, production)
	c.RestrictDefaultSecurityGroup = r.boolean(KeyRestrictDefaultSG, production)
	c.FlowLogs = r.boolean(KeyFlowLogs, production)
	c.KeepImages = r.integer(KeyKeepImages, DefaultKeepImages, 1, 10000)
	c.Signing = r.signing()
	c.Live = r.live()
	validate(c, errs)
	validateSigning(c, errs)
	if errs.Len() > 0 {
		return c, errs
	}
	return c, nil
}

func (r reader) deployment() Deployment {
	name := r.str(KeyDeploymentConfig, DefaultDeploymentConfig)
	if d, ok := predefined[name]; ok {
		d.Name = name
		return d
	}
	d := Deployment{Name: name}
	switch name {
	case CustomCanary:
		d.Kind = Canary
	case CustomLinear:
		d.Kind = Linear
	default:
		r.errs.add(KeyDeploymentConfig, name, "one of "+strings.Join(DeploymentNames, ", "))
		return Deployment{Name: DefaultDeploymentConfig, Kind: AllAtOnce}
	}
	d.Percent = r.integer(KeyTrafficPercent, 0, 1, 99)
	d.Minutes = r.integer(KeyTrafficMinutes, 0, 1, 2880)
	if d.Percent == 0 {
		r.errs.addf(KeyTrafficPercent, "", "required with %s=%s: a whole number from 1 to 99", KeyDeploymentConfig, name)
	}
	if d.Minutes == 0 {
		r.errs.addf(KeyTrafficMinutes, "", "required with %s=%s: a whole number from 1 to 2880", KeyDeploymentConfig, name)
	}
	return d
}

// environment resolves account and region: context wins, the CDK CLI's
// CDK_DEFAULT_* fill gaps. The CLI sets the region from the AWS config even
// without credentials; a region alone from the environment is ignored
// (environment-agnostic stacks) rather than reported, since the user did not
// ask for it.
func (r reader) environment(getenv Getenv) (account, region string) {
	account, region = r.str(KeyAccount, ""), r.str(KeyRegion, "")
	envAccount, envRegion := strings.TrimSpace(getenv(EnvAccount)), strings.TrimSpace(getenv(EnvRegion))
	if account == "" && region == "" {
		if envAccount != "" && envRegion != "" {
			return envAccount, envRegion
		}
		return "", ""
	}
	if account == "" {
		account = envAccount
	}
	if region == "" {
		region = envRegion
	}
	return account, region
}
