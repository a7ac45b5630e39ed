package cdkcmd

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// InputError reports a bad input: which input, the offending value and what
// would be accepted. Every validation in this package returns one, so a user
// can fix a call without reading the source.
type InputError struct {
	// Input names the argument or option, e.g. "stack" or "region".
	Input string
	// Value is the rejected value, quoted in the message.
	Value string
	// Accepted describes what the input accepts.
	Accepted string
}

// Error formats the problem as `invalid <input> "<value>": <accepted>`.
func (e *InputError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Input, e.Value, e.Accepted)
}

// BadInput returns an *InputError for input, value and the accepted form.
func BadInput(input, value, accepted string) error {
	return &InputError{Input: input, Value: value, Accepted: accepted}
}

var (
	// CloudFormation change set names: a letter, then letters, digits and hyphens.
	changeSetNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	stackNameRe     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	// Commercial, GovCloud, China and ISO partitions: us-east-1,
	// us-gov-west-1, cn-north-1, us-isob-east-1, eu-central-2, …
	regionRe = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
	// CDK context keys: plain names (appName) and namespaced feature flags
	// (@aws-cdk/aws-ecs:someFlag, aws:cdk:enable-path-metadata).
	contextKeyRe = regexp.MustCompile(`^[A-Za-z@][A-Za-z0-9@:/._-]{0,255}$`)
	accountRe    = regexp.MustCompile(`^[0-9]{12}$`)
)

// ValidateStackName checks a CloudFormation stack name as the CDK CLI takes
// it on the command line: a letter, then letters, digits and hyphens, at most
// 128 characters. Wildcards are refused on purpose: a deploy should name what
// it changes.
func ValidateStackName(name string) error {
	if !stackNameRe.MatchString(name) {
		return BadInput("stack", name,
			"a stack name starts with a letter and has only letters, digits and hyphens (at most 128 characters), e.g. webapp-network")
	}
	return nil
}

// ValidateRegion checks an AWS region code such as us-east-1.
func ValidateRegion(region string) error {
	if !regionRe.MatchString(region) {
		return BadInput("region", region, "an AWS region code such as us-east-1, eu-west-3 or us-gov-west-1")
	}
	return nil
}

// ValidateAccount checks a 12-digit AWS account id.
func ValidateAccount(account string) error {
	if !accountRe.MatchString(account) {
		return BadInput("account", account, "a 12-digit AWS account id, e.g. 123456789012")
	}
	return nil
}

// ValidateContextKey checks a CDK context key (the part before "=" in -c key=value).
func ValidateContextKey(key string) error {
	if !contextKeyRe.MatchString(key) {
		return BadInput("context key", key,
			"a key starts with a letter or @ and has only letters, digits and @ : / . _ - (e.g. appName or @aws-cdk/core:newStyleStackSynthesis)")
	}
	return nil
}

// ParseContext turns "key=value" pairs into a map, validating every key and
// refusing duplicates and control characters. Values may contain "=" and may
// be empty.
func ParseContext(pairs []string) (map[string]string, error) {
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		key, value, ok := strings.Cut(p, "=")
		if !ok {
			return nil, BadInput("context", p, "key=value, e.g. appName=webapp")
		}
		if err := ValidateContextKey(key); err != nil {
			return nil, err
		}
		if strings.ContainsFunc(value, isControl) {
			return nil, BadInput("context value for "+key, value, "a single line of printable text")
		}
		if _, dup := out[key]; dup {
			return nil, BadInput("context", p, "each key at most once; "+key+" is given twice")
		}
		out[key] = value
	}
	return out, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// ValidateEnvironment checks a bootstrap target of the form
// aws://<12-digit account>/<region>.
func ValidateEnvironment(env string) error {
	accepted := "aws://<12-digit account>/<region>, e.g. aws://123456789012/us-east-1"
	rest, ok := strings.CutPrefix(env, "aws://")
	if !ok {
		return BadInput("bootstrap environment", env, accepted)
	}
	account, region, ok := strings.Cut(rest, "/")
	if !ok || !accountRe.MatchString(account) || !regionRe.MatchString(region) {
		return BadInput("bootstrap environment", env, accepted)
	}
	return nil
}

// NormalizeEndpoint validates an AWS endpoint override and returns the form
// the CDK CLI accepts. An empty string means "no override". The URL must be
// http or https with a host, no credentials, query or fragment. The CLI
// mishandles the literal loopback address 127.0.0.1 (its S3 and
// CloudFormation clients then fail to reach the endpoint), so that host is
// rewritten to localhost, which reaches the same server.
func NormalizeEndpoint(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	accepted := "an http(s) URL with a host and optional port and no path, e.g. http://localhost:5000 or https://localstack.internal:4566"
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse errors quote the raw value, which may carry user info.
		return "", BadInput("AWS endpoint", redactUserinfo(raw), accepted)
	}
	if u.User != nil {
		return "", BadInput("AWS endpoint", redactUserinfo(raw),
			"an endpoint without user:password (credentials come from the AWS key options)")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", BadInput("AWS endpoint", raw, accepted)
	}
	host := u.Hostname()
	if host == "127.0.0.1" {
		host = "localhost"
	}
	if port := u.Port(); port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return u.Scheme + "://" + host, nil
}

// redactUserinfo hides anything between "://" and "@" so that an endpoint
// carrying a password is never echoed in an error.
func redactUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if slash := strings.Index(rest, "/"); slash < 0 || at < slash {
			return scheme + "://REDACTED@" + rest[at+1:]
		}
	}
	return raw
}

// ValidateChangeSetName checks a CloudFormation change set name.
func ValidateChangeSetName(name string) error {
	if !changeSetNameRe.MatchString(name) {
		return BadInput("change set name", name, "a letter, then up to 127 letters, digits or hyphens")
	}
	return nil
}
