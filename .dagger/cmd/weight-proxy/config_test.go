package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

const (
	rule     = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
	testRule = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/c2f7dc8efc522ab2/1683b2d02a6cabee"
	blueTG   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef"
	greenTG  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0123456789abcdef"
)

// Every bad command line exits 2 before anything listens, with one message
// naming the flag, the value and what it accepts.
func TestBadCommandLines(t *testing.T) {
	ups := []string{"-upstream", "blue=http://127.0.0.1:1", "-upstream", "green=http://127.0.0.1:2"}
	following := append(append([]string{}, ups...), "-production-rule", rule, "-test-rule", testRule,
		"-target-group", "blue="+blueTG, "-target-group", "green="+greenTG, "-aws-endpoint", "http://127.0.0.1:3")
	with := func(base []string, extra ...string) []string { return append(append([]string{}, base...), extra...) }
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no upstream", []string{"-production-weights", "blue=1"}, "-upstream is missing: give NAME=URL"},
		{"upstream without name", []string{"-upstream", "http://blue:3000"}, `-upstream "http://blue:3000" is not NAME=URL`},
		{"upstream not a URL", []string{"-upstream", "blue=blue:3000"}, `-upstream blue "blue:3000" is not an upstream URL: want http://HOST:PORT`},
		{"upstream twice", []string{"-upstream", "blue=http://a:1", "-upstream", "blue=http://b:1"}, `upstream "blue" is given twice`},
		{"no weights", ups, "the production endpoint has no weights: give -production-rule ARN to follow a listener rule, or -production-weights NAME=WEIGHT"},
		{"no test weights", with(ups, "-production-weights", "blue=1"), "the test endpoint has no weights"},
		{"both sources", with(ups, "-production-weights", "blue=1", "-production-rule", rule), "-production-weights and -production-rule are both given"},
		{"weight too big", with(ups, "-production-weights", "blue=1000"), `-production-weights "blue=1000": "blue=1000" is not NAME=WEIGHT with a whole number from 0 to 999`},
		{"weight not a number", with(ups, "-test-weights", "blue=ten"), `-test-weights "blue=ten": "blue=ten" is not NAME=WEIGHT`},
		{"weight for unknown", with(ups, "-production-weights", "red=1"), `-production-weights "red=1": "red" is not an upstream: the upstreams are blue, green`},
		{"all weights zero", with(ups, "-production-weights", "blue=0,green=0"), `-production-weights "blue=0,green=0": every weight is 0`},
		{"rule is a target group", with(ups, "-production-rule", blueTG), `-production-rule "` + blueTG + `" is not a listener rule or listener ARN`},
		{"no target groups", with(ups, "-production-rule", rule, "-test-weights", "green=1", "-aws-endpoint", "http://127.0.0.1:3"), "-target-group is missing"},
		{"no endpoint", with(ups, "-production-rule", rule, "-test-weights", "green=1", "-target-group", "blue="+blueTG), "-aws-endpoint is missing"},
		{"bad endpoint", with(following[:len(following)-1], "localhost:4566"), `-aws-endpoint: aws endpoint "localhost:4566" is not a usable URL`},
		{"bad region", with(following, "-aws-region", "Europe"), `-aws-region: aws region "Europe" is not a region name`},
		{"target group not NAME=ARN", with(following, "-target-group", blueTG), "is not NAME=ARN"},
		{"target group of unknown", with(following, "-target-group", "red="+blueTG), `names upstream "red", which no -upstream gives`},
		{"target group twice", with(following, "-target-group", "green="+blueTG), "target group " + blueTG + " is given twice"},
		{"rule settings without a rule", with(ups, "-production-weights", "blue=1", "-test-weights", "blue=1", "-aws-endpoint", "http://127.0.0.1:3"), "only used with -production-rule or -test-rule"},
		{"test weights without test endpoint", with(ups, "-production-weights", "blue=1", "-test-addr", "", "-test-weights", "blue=1"), "-test-addr is empty, so there is no test endpoint"},
		{"poll too fast", with(ups, "-production-weights", "blue=1", "-test-weights", "blue=1", "-poll", "1ms"), "Poll 1ms is out of range: want 100ms to 1m0s"},
		{"stray argument", with(ups, "-production-weights", "blue=1", "extra"), `unexpected arguments ["extra"]`},
		{"unknown flag", []string{"-weights", "x"}, "flag provided but not defined: -weights"},
		{"pass-through not ADDR=URL", with(ups, "-production-weights", "blue=1", "-test-weights", "blue=1", "-pass-through", ":4566"), `-pass-through ":4566" is not ADDR=URL`},
		{"pass-through not a URL", with(ups, "-production-weights", "blue=1", "-test-weights", "blue=1", "-pass-through", ":4566=aws:4566"), `-pass-through "aws:4566" is not an upstream URL`},
		{"pass-through on a taken address", with(ups, "-production-weights", "blue=1", "-test-weights", "blue=1", "-production-addr", ":9000", "-pass-through", ":9000=http://aws:4566"), "where the production endpoint listens already"},
		{"pass-through name taken", []string{"-upstream", "pass-through=http://a:1", "-production-weights", "pass-through=1", "-test-addr", "", "-pass-through", ":4566=http://aws:4566"}, `an -upstream is already named "pass-through"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(context.Background(), c.args, func(string) string { return "" }, &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr.String(), c.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("a refused command line wrote to stdout: %q", stdout.String())
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	var stderr strings.Builder
	if code := run(context.Background(), []string{"-help"}, os.Getenv, &strings.Builder{}, &stderr); code != 0 {
		t.Errorf("-help exited %d", code)
	}
	if !strings.Contains(stderr.String(), "-production-rule") || !strings.Contains(stderr.String(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("-help does not describe the flags:\n%s", stderr.String())
	}
}
