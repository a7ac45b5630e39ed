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
