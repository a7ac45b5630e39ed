package main

import (
	"strings"
	"testing"
)

func TestListensOnLoopbackOnlyOutsideAContainer(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:4566", "[::1]:4566", "localhost:0", "127.0.0.2:80"} {
		if err := checkListen(ok, false); err != nil {
			t.Errorf("checkListen(%q) = %v, want accepted", ok, err)
		}
	}
	for _, bad := range []string{"0.0.0.0:4566", ":4566", "10.0.0.5:4566", "example.com:4566"} {
		err := checkListen(bad, false)
		if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("checkListen(%q) = %v, want a refusal naming the address and loopback", bad, err)
		}
		if err := checkListen(bad, true); err != nil {
			t.Errorf("checkListen(%q, container) = %v, want accepted", bad, err)
		}
	}
	if err := checkListen("4566", false); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("checkListen without a port separator = %v", err)
	}
}

// Bad flags are refused before moto_server or any listener starts: these
// runs return at once even where moto_server is missing.
func TestBadFlagsAreRefusedBeforeAnythingStarts(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--seed", "lambda"}, `seed "lambda" is invalid: expected "codedeploy" or "ecs"`},
		{[]string{"--seed", "ecs", "--app", "Web App"}, `app "Web App" is invalid`},
		{[]string{"--listen", "0.0.0.0:4566"}, "not a loopback address"},
		{[]string{"--time-scale", "0.5", "--moto", "/nonexistent/moto_server"}, "time scale 0.5 is invalid"},
	} {
		err := run(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", c.args, err, c.want)
		}
	}
}
