package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// SourceKind is what a TrafficSource names.
type SourceKind string

const (
	// SourceCIDR is an IPv4 or IPv6 network.
	SourceCIDR SourceKind = "cidr"
	// SourcePrefixList is a managed prefix list (pl-…).
	SourcePrefixList SourceKind = "prefix-list"
	// SourceSecurityGroup is a security group (sg-…) of the same VPC.
	SourceSecurityGroup SourceKind = "security-group"
	// SourceNat is the NAT gateways' public addresses ("nat"): what a caller
	// inside the VPC comes from when it reaches the internet-facing load
	// balancer by its public name.
	SourceNat SourceKind = "nat"
)

// Keywords of testListenerSources besides CIDRs and ids.
const (
	// SourceKeywordVpc stands for the VPC's CIDR.
	SourceKeywordVpc = "vpc"
	// SourceKeywordNat stands for the NAT gateways' public addresses.
	SourceKeywordNat = "nat"
)

// TrafficSource is one allowed source of the test listener's traffic.
type TrafficSource struct {
	// Kind says what Value is.
	Kind SourceKind
	// Value is the CIDR, prefix list id or security group id.
	Value string
}

var (
	prefixListRe = regexp.MustCompile(`^pl-[0-9a-f]{8,17}$`)
	sgIDRe       = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

// trafficSources reads the test listener's sources. Unset means the VPC and
// its NAT gateways: a hook Lambda or a smoke test inside the VPC reaches the
// internet-facing load balancer by its public name, so through a NAT
// gateway's address (without NAT gateways there is no such path).
func (r reader) trafficSources(key, vpcCidr string, natGateways int) []TrafficSource {
	raw := r.list(key)
	explicit := len(raw) > 0
	if !explicit {
		raw = []string{SourceKeywordVpc}
		if natGateways > 0 {
			raw = append(raw, SourceKeywordNat)
		}
	}
	var out []TrafficSource
	for _, v := range raw {
		switch {
		case v == SourceKeywordVpc:
			out = append(out, TrafficSource{Kind: SourceCIDR, Value: vpcCidr})
		case v == SourceKeywordNat && natGateways > 0:
			out = append(out, TrafficSource{Kind: SourceNat, Value: SourceKeywordNat})
		case v == SourceKeywordNat:
			r.errs.add(key, v, fmt.Sprintf("a source other than nat while %s is 0 (there are no NAT gateways)", KeyNatGateways))
		case prefixListRe.MatchString(v):
			out = append(out, TrafficSource{Kind: SourcePrefixList, Value: v})
		case sgIDRe.MatchString(v):
			out = append(out, TrafficSource{Kind: SourceSecurityGroup, Value: v})
		default:
			p, err := netip.ParsePrefix(v)
			if err != nil || p.Masked() != p {
				r.errs.add(key, v, "vpc, nat, a CIDR such as 203.0.113.0/24, a prefix list id pl-…, or a security group id sg-…; several separated by commas")
				continue
			}
			out = append(out, TrafficSource{Kind: SourceCIDR, Value: v})
		}
	}
	return out
}

// TargetColor names one of the two target groups.
type TargetColor string

const (
	// Blue is the target group production starts on.
	Blue TargetColor = "blue"
	// Green is the target group replacement tasks start on.
	Green TargetColor = "green"
)

// Live is the deployed state deploy-infra reads before every synth and passes
// as context, so a stack update keeps what CodeDeploy changed since the last
// one. Empty fields mean "not deployed" (or not read): the template's
// initial state applies.
type Live struct {
	// ProductionTarget is the target group the production listener forwards
	// to now.
	ProductionTarget TargetColor
	// TestTarget is the target group the test listener forwards to now.
	TestTarget TargetColor
	// Mode is the deployment mode of the deployed service stack.
	Mode Mode
}

func (r reader) live() Live {
	l := Live{
		ProductionTarget: TargetColor(r.str(KeyLiveProductionTarget, "")),
		TestTarget:       TargetColor(r.str(KeyLiveTestTarget, "")),
		Mode:             Mode(r.str(KeyLiveDeploymentMode, "")),
	}
	for key, v := range map[string]TargetColor{KeyLiveProductionTarget: l.ProductionTarget, KeyLiveTestTarget: l.TestTarget} {
		if v != "" && v != Blue && v != Green {
			r.errs.add(key, string(v), "blue or green (set by deploy-infra from the deployed listeners)")
		}
	}
	return l
}

// validateLive refuses a switch into or out of hook mode over a deployed
// service stack: hook mode's service (EXTERNAL controller, task sets) and the
// others' carry the same names (service, cluster, target groups, roles), so
// CloudFormation would have to create the new ones before deleting the old
// and fails on the names. Between codedeploy and ecs the service is updated
// in place (its deployment controller changes), which is allowed.
func validateLive(c Config, errs *Errors) {
	if c.Live.Mode == "" || c.Live.Mode == c.Mode || (c.Live.Mode != ModeHook && c.Mode != ModeHook) {
		return
	}
	errs.add(KeyDeploymentMode, string(c.Mode), fmt.Sprintf(
		"%s: the deployed %s runs %s mode, and the new mode reuses its service, cluster and target-group names, so CloudFormation "+
			"cannot replace them in place. Either deploy the new mode under another %s and move traffic to it, or delete %s and %s "+
			"first (an outage), then deploy %s, %s and %s (infra/README.md, \"Switching deploymentMode\")",
		c.Live.Mode, c.StackName("service"), c.Live.Mode, KeyAppName, c.StackName("pipeline"), c.StackName("service"),
		c.StackName("network"), c.StackName("service"), c.StackName("pipeline")))
}

// validateSafety checks the keys of the hardening settings.
func validateSafety(c Config, errs *Errors) {
	for _, fn := range c.HookFunctions {
		if !lambdaRe.MatchString(fn) {
			errs.add(KeyHookFunctions, fn, "Lambda function names (letters, digits, '-', '_'; at most 64), separated by commas")
		}
	}
	if c.AlarmEmail != "" && !emailRe.MatchString(c.AlarmEmail) {
		errs.add(KeyAlarmEmail, c.AlarmEmail, "an e-mail address")
	}
	if c.AlarmTopicArn != "" && !topicRe.MatchString(c.AlarmTopicArn) {
		errs.add(KeyAlarmTopicArn, c.AlarmTopicArn, "an SNS topic ARN arn:aws:sns:<region>:<account>:<name>")
	}
	if c.AccessLogs && !c.EnvSpecific() {
		errs.add(KeyAccessLogs, "true", fmt.Sprintf("false without %s and %s: the log bucket's policy names the region's load-balancing account", KeyAccount, KeyRegion))
	}
	switch c.Profile {
	case ProfileDevelopment, ProfileProduction:
	default:
		errs.add(KeyProfile, string(c.Profile), fmt.Sprintf("%s or %s", ProfileDevelopment, ProfileProduction))
	}
}

var (
	emailRe = regexp.MustCompile(`^[^@\s,]+@[^@\s,]+\.[a-z]{2,}$`)
	topicRe = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)
)

// list reads a list key: a JSON array (cdk.json) or a string of
// comma-separated values (-c key=a,b); items are trimmed, empty ones dropped.
func (r reader) list(key string) []string {
	v, ok := r.get(key)
	if !ok || v == nil {
		return nil
	}
	var parts []string
	if items, isList := v.([]any); isList {
		for _, it := range items {
			parts = append(parts, fmt.Sprint(it))
		}
	} else {
		parts = strings.Split(fmt.Sprint(v), ",")
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// boolean reads a true/false key.
func (r reader) boolean(key string, def bool) bool {
	switch raw := r.str(key, ""); raw {
	case "":
		return def
	case "true":
		return true
	case "false":
		return false
	default:
		r.errs.add(key, raw, "true or false")
		return def
	}
}
