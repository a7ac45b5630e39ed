package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

var (
	appNameRe  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,22}[a-z0-9]$`)
	accountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	ecrImageRe = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^@:]+)(?::[^@]+)?@`)
	imageRe    = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?@sha256:[a-f0-9]{64}$`)
	certRe     = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
	zoneIDRe   = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	dnsNameRe  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$`)
	connRe     = regexp.MustCompile(`^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[A-Za-z0-9-]+$`)
	ghNameRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	ccRepoRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	branchRe   = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,255}$`)
	lambdaRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	// retentionDays are the values CloudWatch Logs accepts.
	retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	privateNet    = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
)

// validate checks cross-field rules and formats; field ranges were checked
// while reading.
func validate(c Config, errs *Errors) {
	if !appNameRe.MatchString(c.AppName) {
		errs.add(KeyAppName, c.AppName, "2-24 characters: lowercase letters, digits and '-', starting with a letter and not ending with '-'")
	}
	validateEnv(c, errs)
	validateCidr(c.VpcCidr, errs)
	if !ValidFargatePair(c.CPU, c.Memory) {
		errs.add(KeyCPU+"/"+KeyMemory, fmt.Sprintf("%d/%d", c.CPU, c.Memory), "a Fargate pair: "+FargatePairs())
	}
	if c.CPUArchitecture != CPUArchitectureX86 && c.CPUArchitecture != CPUArchitectureARM64 {
		errs.add(KeyCPUArchitecture, c.CPUArchitecture, CPUArchitectureX86+" (default) or "+CPUArchitectureARM64+" (Graviton)")
	}
	if c.ContainerPort == c.TestPort() || c.ContainerPort == c.ProductionPort() {
		// Not a hard AWS limit, but the security groups would be ambiguous to read.
		errs.add(KeyContainerPort, fmt.Sprint(c.ContainerPort), fmt.Sprintf("a port other than the listener ports %d and %d", c.ProductionPort(), c.TestPort()))
	}
	if !slices.Contains(retentionDays, c.LogRetentionDays) {
		errs.add(KeyLogRetentionDays, fmt.Sprint(c.LogRetentionDays), "a CloudWatch Logs retention: "+joinInts(retentionDays))
	}
	validateImage(c, errs)
	if len(c.HealthCheckCommand) > 0 && !strings.HasPrefix(c.HealthCheckCommand[0], "/") {
		errs.add(KeyHealthCheckCommand, strings.Join(c.HealthCheckCommand, " "), "an absolute executable path and its arguments, e.g. /app -healthcheck (exec form, no shell)")
	}
	switch c.Mode {
	case ModeCodeDeploy:
		if c.AfterAllowTestTrafficHook != "" {
			errs.add(KeyAfterAllowTestTraffic, c.AfterAllowTestTrafficHook, fmt.Sprintf("unset unless %s=%s (in codedeploy mode hooks go into appspec.yaml)", KeyDeploymentMode, ModeHook))
		}
	case ModeHook:
		if c.Pipeline {
			errs.add(KeyPipeline, "true", fmt.Sprintf("false or unset with %s=%s: a hook-mode release is a stack update, which a build running the branch's buildspec must not be able to make", KeyDeploymentMode, ModeHook))
		}
		if c.AfterAllowTestTrafficHook != "" && !lambdaRe.MatchString(c.AfterAllowTestTrafficHook) {
			errs.add(KeyAfterAllowTestTraffic, c.AfterAllowTestTrafficHook, "a Lambda function name (letters, digits, '-', '_'; at most 64)")
		}
	case ModeECS:
		validateECS(c, errs)
	default:
		errs.add(KeyDeploymentMode, string(c.Mode), fmt.Sprintf("%s, %s or %s", ModeCodeDeploy, ModeHook, ModeECS))
	}
	if c.CertificateArn != "" && !certRe.MatchString(c.CertificateArn) {
		errs.add(KeyCertificateArn, c.CertificateArn, "an ACM certificate ARN arn:aws:acm:<region>:<account>:certificate/<id>")
	}
	validateDomain(c, errs)
	validateSource(c.Source, errs)
	validateSafety(c, errs)
	validateLive(c, errs)
	validateAnalysis(c, errs)
}

// validateImage checks the digest pin and, for ECR images, that the image
// lives in this app's repository: the execution role may pull from no other.
func validateImage(c Config, errs *Errors) {
	if c.Image == "" {
		return
	}
	if !imageRe.MatchString(c.Image) {
		errs.add(KeyImage, c.Image, "a digest-pinned image URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/"+c.AppName+"@sha256:<64 hex digits>")
		return
	}
	m := ecrImageRe.FindStringSubmatch(c.Image)
	if m == nil {
		return // another registry: pulled anonymously, no grant involved
	}
	account, region, repo := m[1], m[2], m[3]
	want := "the " + c.AppName + " repository"
	if c.EnvSpecific() {
		want = fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s@sha256:...", c.Account, c.Region, c.AppName)
	}
	if repo != c.AppName || (c.EnvSpecific() && (account != c.Account || region != c.Region)) {
		errs.add(KeyImage, c.Image, want+" (the execution role pulls from the app's own repository only)")
	}
}

func validateEnv(c Config, errs *Errors) {
	if c.Account != "" && !accountRe.MatchString(c.Account) {
		errs.add(KeyAccount+" (or "+EnvAccount+")", c.Account, "a 12-digit AWS account id")
	}
	if c.Region != "" && !regionRe.MatchString(c.Region) {
		errs.add(KeyRegion+" (or "+EnvRegion+")", c.Region, "an AWS region such as us-east-1")
	}
	if (c.Account == "") != (c.Region == "") {
		errs.add(KeyAccount+"/"+KeyRegion, c.Account+"/"+c.Region, "both set (environment-bound stacks) or both unset (environment-agnostic stacks)")
	}
}

func validateCidr(cidr string, errs *Errors) {
	const accepted = "a private IPv4 network (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /24, e.g. 10.0.0.0/16"
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Masked() != p || p.Bits() < 16 || p.Bits() > 24 {
		errs.add(KeyVpcCidr, cidr, accepted)
		return
	}
	for _, n := range privateNet {
		if n.Bits() <= p.Bits() && n.Contains(p.Addr()) {
			return
		}
	}
	errs.add(KeyVpcCidr, cidr, accepted)
}

func validateDomain(c Config, errs *Errors) {
	set := 0
	for _, v := range []string{c.HostedZoneID, c.ZoneName, c.DomainName} {
		if v != "" {
			set++
		}
	}
	if set == 0 {
		return
	}
	if set != 3 {
		errs.add(KeyHostedZoneID+"/"+KeyZoneName+"/"+KeyDomainName, strings.Join([]string{c.HostedZoneID, c.ZoneName, c.DomainName}, "/"), "all three set or none")
		return
	}
	if !zoneIDRe.MatchString(c.HostedZoneID) {
		errs.add(KeyHostedZoneID, c.HostedZoneID, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
	}
	if !dnsNameRe.MatchString(c.ZoneName) {
		errs.add(KeyZoneName, c.ZoneName, "a lowercase DNS name such as example.com")
	}
	if !dnsNameRe.MatchString(c.DomainName) {
		errs.add(KeyDomainName, c.DomainName, "a lowercase DNS name such as app.example.com")
	} else if zone := strings.TrimSuffix(c.ZoneName, "."); c.DomainName != zone && !strings.HasSuffix(c.DomainName, "."+zone) {
		errs.add(KeyDomainName, c.DomainName, "a name inside zoneName "+c.ZoneName)
	}
	if c.CertificateArn == "" {
		errs.add(KeyCertificateArn, "", "required when domainName is set (the alias serves HTTPS)")
	}
}

func validateSource(s Source, errs *Errors) {
	if !branchRe.MatchString(s.Branch) {
		errs.add(KeyBranch, s.Branch, "a git branch name")
	}
	switch s.Type {
	case SourceCodeCommit:
		if !ccRepoRe.MatchString(s.CodeCommitRepository) {
			errs.add(KeyCodeCommitRepository, s.CodeCommitRepository, "a CodeCommit repository name (letters, digits, '.', '_', '-')")
		}
	case SourceGitHub:
		if !connRe.MatchString(s.ConnectionArn) {
			errs.add(KeyConnectionArn, s.ConnectionArn, "a CodeConnections ARN arn:aws:codeconnections:<region>:<account>:connection/<id> (or codestar-connections)")
		}
		if !ghNameRe.MatchString(s.Owner) {
			errs.add(KeyGitHubOwner, s.Owner, "the GitHub user or organisation")
		}
		if !ghNameRe.MatchString(s.Repo) {
			errs.add(KeyGitHubRepo, s.Repo, "the GitHub repository name")
		}
	default:
		errs.add(KeySourceType, string(s.Type), fmt.Sprintf("%s or %s", SourceCodeCommit, SourceGitHub))
	}
}
