package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/weightproxy"
)

// config is the command line, checked.
type config struct {
	upstreams    []weightproxy.Upstream
	endpoints    []endpointConfig
	targetGroups map[string]string // target group ARN → upstream name
	awsEndpoint  string
	awsRegion    string
	poll         time.Duration
	timeout      time.Duration
}

// endpointConfig is one endpoint: where it listens and either fixed weights
// or the ARN of the rule or listener to follow.
type endpointConfig struct {
	name  string
	addr  string
	fixed weightproxy.Fixed
	arn   string
}

// pairs is a repeatable NAME=VALUE flag.
type pairs []string

func (p *pairs) String() string     { return strings.Join(*p, " ") }
func (p *pairs) Set(v string) error { *p = append(*p, v); return nil }

const usage = `weight-proxy serves a production and a test endpoint and sends each request to
one of the upstreams (the old and the new release's app) in proportion to
fixed weights or to the weights of an ELBv2 listener rule it follows.

  weight-proxy -upstream blue=http://blue:3000 -upstream green=http://green:3000 \
    -target-group blue=TARGET_GROUP_ARN -target-group green=TARGET_GROUP_ARN \
    -production-rule RULE_ARN -test-rule RULE_ARN -aws-endpoint http://standin:4566

  weight-proxy -upstream blue=http://blue:3000 -upstream green=http://green:3000 \
    -production-weights blue=90,green=10 -test-weights green=1

AWS credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_SESSION_TOKEN; without them the stand-in's test credentials are used.

`

// parseArgs reads the command line. Every error names the flag, the value
// and what the flag accepts.
func parseArgs(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("weight-proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var ups, tgs pairs
	var c config
	prod := endpointConfig{name: "production"}
	test := endpointConfig{name: "test"}
	var prodWeights, testWeights, passThrough string
	fs.Var(&ups, "upstream", "NAME=URL of an upstream app, e.g. blue=http://blue:3000 (repeat for each)")
	fs.Var(&tgs, "target-group", "NAME=ARN: the target group that stands for upstream NAME in the rules (repeat for each)")
	fs.StringVar(&prod.addr, "production-addr", ":8000", "address the production endpoint listens on")
	fs.StringVar(&test.addr, "test-addr", ":8080", `address the test endpoint listens on; "" serves no test endpoint`)
	fs.StringVar(&prodWeights, "production-weights", "", "fixed production weights, NAME=WEIGHT,… (0–999 each)")
	fs.StringVar(&testWeights, "test-weights", "", "fixed test weights, NAME=WEIGHT,… (0–999 each)")
	fs.StringVar(&prod.arn, "production-rule", "", "ARN of the production listener rule (or listener) whose weights to follow")
	fs.StringVar(&test.arn, "test-rule", "", "ARN of the test listener rule (or listener) whose weights to follow")
	fs.StringVar(&passThrough, "pass-through", "", "ADDR=URL: one more endpoint, listening on ADDR, that sends every request to URL, e.g. :4566=http://aws-localhost:4566 (so one service exposes the stand-in too)")
	fs.StringVar(&c.awsEndpoint, "aws-endpoint", "", "ELBv2 endpoint to read rules from (the stand-in), e.g. http://standin:4566")
	fs.StringVar(&c.awsRegion, "aws-region", "us-east-1", "AWS region of the rules")
	fs.DurationVar(&c.poll, "poll", weightproxy.DefaultPoll, "how often the rules are read (100ms to 1m)")
	fs.DurationVar(&c.timeout, "upstream-timeout", weightproxy.DefaultUpstreamTimeout, "time limit of one proxied request (100ms to 10m)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q: every setting is a flag (see -help)", fs.Args())
	}

	if len(ups) == 0 {
		return config{}, fmt.Errorf("-upstream is missing: give NAME=URL for each release's app, e.g. -upstream blue=http://blue:3000 -upstream green=http://green:3000")
	}
	known := map[string]bool{}
	for _, p := range ups {
		name, raw, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return config{}, fmt.Errorf("-upstream %q is not NAME=URL: want e.g. blue=http://blue:3000", p)
		}
		if known[name] {
			return config{}, fmt.Errorf("-upstream %q: upstream %q is given twice", p, name)
		}
		u, err := url.Parse(raw)
		if err != nil {
			u = &url.URL{Opaque: raw}
		}
		if err := weightproxy.CheckUpstreamURL("-upstream "+name, u); err != nil {
			return config{}, err
		}
		known[name] = true
		c.upstreams = append(c.upstreams, weightproxy.Upstream{Name: name, URL: u})
	}
	var err error
	if prod.fixed, err = parseWeights("-production-weights", prodWeights, known); err != nil {
		return config{}, err
	}
	if test.fixed, err = parseWeights("-test-weights", testWeights, known); err != nil {
		return config{}, err
	}
	for _, e := range []endpointConfig{prod, test} {
		if e.name == "test" && e.addr == "" {
			if e.fixed != nil || e.arn != "" {
				return config{}, fmt.Errorf("-test-addr is empty, so there is no test endpoint, yet -test-weights or -test-rule is given: drop them or give -test-addr")
			}
			continue
		}
		if err := e.check(); err != nil {
			return config{}, err
		}
		c.endpoints = append(c.endpoints, e)
	}

	if passThrough != "" {
		if err := c.addPassThrough(passThrough, known); err != nil {
			return config{}, err
		}
	}

	c.targetGroups = map[string]string{}
	for _, p := range tgs {
		name, arn, ok := strings.Cut(p, "=")
		if !ok || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":targetgroup/") {
			return config{}, fmt.Errorf("-target-group %q is not NAME=ARN: want e.g. green=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0123456789abcdef", p)
		}
		if !known[name] {
			return config{}, fmt.Errorf("-target-group %q names upstream %q, which no -upstream gives", p, name)
		}
		if _, dup := c.targetGroups[arn]; dup {
			return config{}, fmt.Errorf("-target-group %q: target group %s is given twice", p, arn)
		}
		c.targetGroups[arn] = name
	}
	following := false
	for _, e := range c.endpoints {
		following = following || e.arn != ""
	}
	switch {
	case following && len(c.targetGroups) == 0:
		return config{}, fmt.Errorf("-target-group is missing: a rule is followed, so say which target group stands for which upstream, e.g. -target-group blue=ARN -target-group green=ARN")
	case following && c.awsEndpoint == "":
		return config{}, fmt.Errorf("-aws-endpoint is missing: a rule is followed, so give the ELBv2 endpoint that holds it (the stand-in), e.g. -aws-endpoint http://standin:4566")
	case !following && (len(c.targetGroups) > 0 || c.awsEndpoint != ""):
		return config{}, fmt.Errorf("-target-group and -aws-endpoint are only used with -production-rule or -test-rule, and no rule is given")
	}
	if following {
		if err := awsenv.ValidateEndpoint(c.awsEndpoint); err != nil {
			return config{}, fmt.Errorf("-aws-endpoint: %w", err)
		}
		if err := awsenv.ValidateRegion(c.awsRegion); err != nil {
			return config{}, fmt.Errorf("-aws-region: %w", err)
		}
	}
	return c, nil
}

// passThroughName names the pass-through endpoint and its one upstream.
const passThroughName = "pass-through"

// addPassThrough adds the -pass-through endpoint: ADDR=URL, every request
// to the one upstream URL.
func (c *config) addPassThrough(v string, known map[string]bool) error {
	addr, raw, ok := strings.Cut(v, "=")
	if !ok || addr == "" || raw == "" {
		return fmt.Errorf("-pass-through %q is not ADDR=URL: want e.g. :4566=http://aws-localhost:4566", v)
	}
	if known[passThroughName] {
		return fmt.Errorf("-pass-through: an -upstream is already named %q; name it otherwise", passThroughName)
	}
	u, err := url.Parse(raw)
	if err != nil {
		u = &url.URL{Opaque: raw}
	}
	if err := weightproxy.CheckUpstreamURL("-pass-through", u); err != nil {
		return err
	}
	for _, e := range c.endpoints {
		if e.addr == addr {
			return fmt.Errorf("-pass-through %q listens on %s, where the %s endpoint listens already", v, addr, e.name)
		}
	}
	c.upstreams = append(c.upstreams, weightproxy.Upstream{Name: passThroughName, URL: u})
	c.endpoints = append(c.endpoints, endpointConfig{name: passThroughName, addr: addr, fixed: weightproxy.Fixed{passThroughName: 1}})
	return nil
}

// check requires exactly one source.
func (e endpointConfig) check() error {
	switch {
	case e.fixed != nil && e.arn != "":
		return fmt.Errorf("-%[1]s-weights and -%[1]s-rule are both given: the %[1]s endpoint follows one of them", e.name)
	case e.fixed == nil && e.arn == "":
		return fmt.Errorf("the %[1]s endpoint has no weights: give -%[1]s-rule ARN to follow a listener rule, or -%[1]s-weights NAME=WEIGHT,…", e.name)
	case e.arn != "":
		return weightproxy.CheckListenerARN("-"+e.name+"-rule", e.arn)
	}
	return nil
}

// parseWeights reads NAME=WEIGHT,… ("" gives nil).
func parseWeights(flagName, v string, known map[string]bool) (weightproxy.Fixed, error) {
	if v == "" {
		return nil, nil
	}
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	w := weightproxy.Fixed{}
	total := 0
	for _, part := range strings.Split(v, ",") {
		name, num, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 || n > 999 {
			return nil, fmt.Errorf("%s %q: %q is not NAME=WEIGHT with a whole number from 0 to 999, e.g. blue=90,green=10", flagName, v, part)
		}
		if !known[name] {
			return nil, fmt.Errorf("%s %q: %q is not an upstream: the upstreams are %s", flagName, v, name, strings.Join(names, ", "))
		}
		if _, dup := w[name]; dup {
			return nil, fmt.Errorf("%s %q: %q is given twice", flagName, v, name)
		}
		w[name] = n
		total += n
	}
	if total == 0 {
		return nil, fmt.Errorf("%s %q: every weight is 0: at least one upstream needs a weight above 0", flagName, v)
	}
	return w, nil
}
