package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/internal/albtest"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

// TestMain stops the shared moto server and removes the app binaries.
func TestMain(m *testing.M) {
	code := m.Run()
	moto.StopShared()
	if appBinDir != "" {
		_ = os.RemoveAll(appBinDir)
	}
	os.Exit(code)
}

// Two real app processes behind the proxy with fixed weights: each endpoint
// splits exactly, and the app's pages come through.
func TestFixedWeightsSplitTwoApps(t *testing.T) {
	blue, green := startApp(t, "v1", "blue"), startApp(t, "v2", "green")
	p := startProxy(t, "-upstream", "blue="+blue.url, "-upstream", "green="+green.url,
		"-production-weights", "blue=9,green=1", "-test-weights", "blue=0,green=5")

	wantCounts(t, "production 9:1, 10 requests", versions(t, p.production, 10, blue, green), map[string]int{"v1": 9, "v2": 1})
	wantCounts(t, "production 9:1, 100 requests", versions(t, p.production, 100, blue, green), map[string]int{"v1": 90, "v2": 10})
	wantCounts(t, "test all green", versions(t, p.test, 20, blue, green), map[string]int{"v2": 20})

	resp, err := client.Get(p.production + "/watch")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "/version") {
		t.Errorf("/watch through the proxy: HTTP %d %.200s", resp.StatusCode, body)
	}
	for _, want := range []string{
		"production: weights blue 90% (9) · green 10% (1) from fixed weights (were none)",
		"test: weights blue 0% (0) · green 100% (5) from fixed weights (were none)",
	} {
		p.waitForLine(t, want)
	}
}

// The proxy follows the weights a deployment writes onto moto's listener
// rules: canary, full shift and rollback on production, test traffic on its
// own rule, each seen in the exact share of requests the two app processes
// answer.
func TestFollowsListenerRulesWithTwoApps(t *testing.T) {
	blue, green := startApp(t, "v1", "blue"), startApp(t, "v2", "green")
	srv := moto.Shared(t)
	api := elbv2.NewFromConfig(awstest.MotoConfig(t, awsenv.WithMaxAttempts(1)))
	alb := albtest.New(t, api, srv.URL)
	p := startProxy(t, "-upstream", "blue="+blue.url, "-upstream", "green="+green.url,
		"-target-group", "blue="+alb.Blue, "-target-group", "green="+alb.Green,
		"-production-rule", alb.ProductionRule, "-test-rule", alb.TestRule,
		"-aws-endpoint", srv.URL, "-poll", "100ms")

	p.waitForLine(t, "production: weights blue 100% (999) · green 0% (0) from listener rule "+alb.ProductionRule+" (were none)")
	p.waitForLine(t, "test: weights blue 100% (999) · green 0% (0) from listener rule "+alb.TestRule+" (were none)")
	wantCounts(t, "before the deployment", versions(t, p.production, 20, blue, green), map[string]int{"v1": 20})

	// Test traffic moves to the new release first; production stays.
	albtest.SetRule(t, api, alb.TestRule, map[string]int32{alb.Blue: 0, alb.Green: 999})
	p.waitForLine(t, "test: weights blue 0% (0) · green 100% (999)")
	wantCounts(t, "test traffic shifted", versions(t, p.test, 20, blue, green), map[string]int{"v2": 20})
	wantCounts(t, "production during test traffic", versions(t, p.production, 20, blue, green), map[string]int{"v1": 20})

	steps := []struct {
		blue, green int32
		log         string
		n           int
		want        map[string]int
	}{
		{899, 100, "production: weights blue 90% (899) · green 10% (100)", 999, map[string]int{"v1": 899, "v2": 100}},
		{9, 1, "production: weights blue 90% (9) · green 10% (1)", 10, map[string]int{"v1": 9, "v2": 1}},
		{500, 500, "production: weights blue 50% (500) · green 50% (500)", 10, map[string]int{"v1": 5, "v2": 5}},
		{0, 999, "production: weights blue 0% (0) · green 100% (999)", 30, map[string]int{"v2": 30}},
		// A rollback snaps production back to the old release.
		{999, 0, "production: weights blue 100% (999) · green 0% (0) from listener rule " + alb.ProductionRule + " (were blue 0% (0) · green 100% (999))", 30, map[string]int{"v1": 30}},
	}
	for _, s := range steps {
		albtest.SetRule(t, api, alb.ProductionRule, map[string]int32{alb.Blue: s.blue, alb.Green: s.green})
		p.waitForLine(t, s.log)
		wantCounts(t, s.log, versions(t, p.production, s.n, blue, green), s.want)
	}
	wantCounts(t, "test traffic after the rollback of production", versions(t, p.test, 10, blue, green), map[string]int{"v2": 10})
}

// The pass-through endpoint sends every request to its one URL (the AWS
// stand-in in a rehearsal), whatever the weights of the other endpoints.
func TestPassThroughSendsEverythingToItsURL(t *testing.T) {
	aws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "stand-in saw %s %s", r.Method, r.URL.Path)
	}))
	defer aws.Close()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "app") }))
	defer app.Close()
	port := freePort(t)
	p := startProxy(t, "-upstream", "blue="+app.URL, "-production-weights", "blue=1", "-test-weights", "blue=1",
		"-pass-through", fmt.Sprintf("127.0.0.1:%d=%s", port, aws.URL))
	p.waitForLine(t, "pass-through endpoint listening on 127.0.0.1:")
	for i := 0; i < 5; i++ {
		resp, err := client.Post(fmt.Sprintf("http://127.0.0.1:%d/", port), "application/x-amz-json-1.1", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "stand-in saw POST /" || resp.Header.Get("X-Weightproxy-Upstream") != "pass-through" {
			t.Fatalf("through the pass-through: %q (upstream %q)", body, resp.Header.Get("X-Weightproxy-Upstream"))
		}
	}
	resp, err := client.Get(p.production + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "app" {
		t.Errorf("production answered %q: the pass-through upstream must never take its traffic", body)
	}
}
