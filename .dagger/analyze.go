package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"dagger/ecs-bluegreen/analyzewindow"
	"dagger/ecs-bluegreen/lifecyclehook"
	"dagger/ecs-bluegreen/stackout"
)

// Analyze judges the new revision against the old on the load balancer's
// CloudWatch metrics over a window, as the deployment check does during a
// deployment: the verdict sentence, then both revisions' requests, errors
// and response times side by side. For a deployment in flight or after the
// fact; it changes nothing. Needs AWS credentials.
// +cache="never"
func (m *EcsBluegreen) Analyze(
	ctx context.Context,
	// The window's length, ending now (less the 2 minutes CloudWatch needs to complete a minute) or at --until,
	// e.g. 10m or 1h. Give this or --since.
	// +optional
	last string,
	// The window's start, RFC 3339 (e.g. 2026-12-05T04:00:00Z). Give this or --last.
	// +optional
	since string,
	// The window's end, RFC 3339; default now less 2 minutes.
	// +optional
	until string,
	// Service stack whose blue and green target groups are compared.
	// +optional
	// +default="webapp-service"
	stack string,
	// The target group serving the new revision: auto (the one with fewer requests in the window — the canary),
	// blue or green.
	// +optional
	// +default="auto"
	newRevision string,
	// The policy, as the function's ANALYSIS_POLICY JSON (e.g. {"maxErrorRate":0.02,"minRequests":200});
	// default the analysis defaults.
	// +optional
	policy string,
) (string, error) {
	// Every input is checked before anything is read.
	window, err := analyzewindow.ParseWindow(since, until, last, time.Now())
	if err != nil {
		return "", err
	}
	p, err := analyzewindow.ParsePolicy(policy)
	if err != nil {
		return "", err
	}
	if err := analyzewindow.CheckNewRevision(newRevision); err != nil {
		return "", err
	}
	if err := stackout.ValidateStackName(stack); err != nil {
		return "", err
	}
	cfg, err := m.awsConfig(ctx, "analyze")
	if err != nil {
		return "", err
	}
	targets, err := analyzewindow.ReadTargets(ctx, cloudformation.NewFromConfig(cfg), stack)
	if err != nil {
		return "", err
	}
	r, err := analyzewindow.Analyze(ctx, lifecyclehook.NewCloudWatch(cfg), targets, window, newRevision, p)
	if err != nil {
		return "", err
	}
	return r.Report(), nil
}
