package stacks

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// statements yields every IAM policy statement of every template: inline
// role policies, AWS::IAM::Policy documents, bucket and endpoint policies.
func statements(t *testing.T, f func(name string, st map[string]any)) {
	allTemplates(t, func(name string, tpl map[string]any) {
		walkFind(tpl, func(k string, v any) bool {
			if k == "Statement" {
				for _, st := range asSlice(v) {
					if m, ok := st.(map[string]any); ok {
						f(name, m)
					}
				}
			}
			return false
		})
	})
}

func actionsOf(st map[string]any) []string {
	switch a := st["Action"].(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, x := range a {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

func onStar(st map[string]any) bool {
	r := st["Resource"]
	return r == "*" || slices.Contains(asSlice(r), any("*"))
}

// TestNoAdminReach: no role may pass any role, invoke any function or assume
// the CDK bootstrap roles (whose deploy role leads to administrator access).
func TestNoAdminReach(t *testing.T) {
	passRoles := 0
	statements(t, func(name string, st map[string]any) {
		if st["Effect"] != "Allow" {
			return
		}
		for _, a := range actionsOf(st) {
			switch a {
			case "iam:PassRole":
				passRoles++
				if onStar(st) {
					t.Errorf("%s: iam:PassRole on *: %v", name, st)
				}
			case "lambda:InvokeFunction":
				if onStar(st) {
					t.Errorf("%s: lambda:InvokeFunction on *: %v", name, st)
				}
			case "ecs:UpdateService":
				// In ecs mode an UpdateService is a deployment: only of the app's service.
				if onStar(st) {
					t.Errorf("%s: ecs:UpdateService on *: %v", name, st)
				}
			case "ecs:DescribeServices":
				if onStar(st) && strings.HasSuffix(name, "/pipeline") {
					t.Errorf("%s: ecs:DescribeServices on *: %v", name, st)
				}
			case "sts:AssumeRole":
				if strings.Contains(fmt.Sprint(st["Resource"]), "cdk-") || onStar(st) {
					t.Errorf("%s: may assume %v", name, st["Resource"])
				}
			}
		}
	})
	// codedeploy: deployment role + action role; hook: hook role; agnostic: both again.
	if passRoles < 5 {
		t.Errorf("only %d iam:PassRole statements seen", passRoles)
	}
	// The deployment check reads metrics and the one service's revisions,
	// reports to CodeDeploy, writes its logs and manages its ENIs: nothing
	// that leads anywhere else.
	checked := 0
	for _, sc := range scenarioNames {
		s := synth(t, sc)
		if !s.cfg.Analysis.Enabled {
			continue
		}
		checked++
		for action, st := range checkStatements(t, s.json["service"]) {
			service, _, _ := strings.Cut(action, ":")
			switch {
			case service == "iam" || service == "sts" || service == "lambda" || service == "ssm" || service == "s3":
				t.Errorf("%s: the check role may %s: %v", sc, action, st)
			case service == "ecs" && (action != "ecs:DescribeServiceRevisions" || onStar(st)):
				t.Errorf("%s: the check role may %s on %v", sc, action, st["Resource"])
			case service == "logs" && onStar(st):
				t.Errorf("%s: the check role writes every log group: %v", sc, st)
			}
		}
	}
	if checked == 0 {
		t.Error("no scenario with the deployment check")
	}
	allTemplates(t, func(name string, tpl map[string]any) {
		if walkFind(tpl, func(_ string, v any) bool {
			return strings.Contains(fmt.Sprint(v), "AWSCodeDeployRoleForECS")
		}) {
			t.Errorf("%s: attaches AWSCodeDeployRoleForECS (lambda:InvokeFunction on *)", name)
		}
	})
}

// TestContainersHardened: read-only root file system, the image's non-root
// user pinned, and a stop timeout that outlasts the drain.
func TestContainersHardened(t *testing.T) {
	seen := 0
	allTemplates(t, func(name string, tpl map[string]any) {
		for _, td := range findResources(tpl, "AWS::ECS::TaskDefinition") {
			for _, c := range asSlice(dig(td, "Properties", "ContainerDefinitions")) {
				seen++
				if dig(c, "ReadonlyRootFilesystem") != true || dig(c, "User") != AppUser {
					t.Errorf("%s: container %v: ReadonlyRootFilesystem %v, User %v", name, dig(c, "Name"), dig(c, "ReadonlyRootFilesystem"), dig(c, "User"))
				}
				if p := dig(c, "Privileged"); p == true {
					t.Errorf("%s: privileged container", name)
				}
			}
		}
	})
	if seen != len(scenarioNames) {
		t.Fatalf("%d containers checked, want one per scenario", seen)
	}
}

// TestNoAutoAssignedPublicIPs: no subnet hands out public addresses.
func TestNoAutoAssignedPublicIPs(t *testing.T) {
	allTemplates(t, func(name string, tpl map[string]any) {
		for _, sn := range findResources(tpl, "AWS::EC2::Subnet") {
			if dig(sn, "Properties", "MapPublicIpOnLaunch") != false {
				t.Errorf("%s: subnet maps public IPs on launch: %v", name, dig(sn, "Properties"))
			}
		}
	})
}

// TestLogsAndBucketsKept: every log group has a retention and survives the
// stack; every bucket expires its objects, refuses plain HTTP and is private.
func TestLogsAndBucketsKept(t *testing.T) {
	groups, buckets := 0, 0
	allTemplates(t, func(name string, tpl map[string]any) {
		for _, lg := range findResources(tpl, "AWS::Logs::LogGroup") {
			groups++
			if dig(lg, "Properties", "RetentionInDays") == nil || lg["DeletionPolicy"] != "Retain" {
				t.Errorf("%s: log group %v: retention %v, deletion %v", name, dig(lg, "Properties", "LogGroupName"), dig(lg, "Properties", "RetentionInDays"), lg["DeletionPolicy"])
			}
		}
		res := tpl["Resources"].(map[string]any)
		for id, r := range res {
			if dig(r, "Type") != "AWS::S3::Bucket" {
				continue
			}
			buckets++
			if dig(r, "Properties", "LifecycleConfiguration", "Rules") == nil {
				t.Errorf("%s: bucket %s has no lifecycle rule", name, id)
			}
			if dig(r, "Properties", "PublicAccessBlockConfiguration", "RestrictPublicBuckets") != true {
				t.Errorf("%s: bucket %s is not private", name, id)
			}
			ssl := false
			for _, p := range findResources(tpl, "AWS::S3::BucketPolicy") {
				if dig(p, "Properties", "Bucket", "Ref") == id && strings.Contains(fmt.Sprint(dig(p, "Properties", "PolicyDocument")), "aws:SecureTransport:false") {
					ssl = true
				}
			}
			if !ssl {
				t.Errorf("%s: bucket %s accepts plain HTTP", name, id)
			}
		}
	})
	// Every scenario has the app's log group; every pipeline a build log
	// group and an artifact bucket; accessLogs a bucket.
	wantGroups, wantBuckets := 0, 0
	for _, sc := range scenarioNames {
		cfg := synth(t, sc).cfg
		wantGroups++
		if cfg.FlowLogs {
			wantGroups++
		}
		if cfg.HasPipeline() {
			wantGroups++
			wantBuckets++
		}
		if cfg.AccessLogs {
			wantBuckets++
		}
		if cfg.Analysis.Enabled {
			wantGroups++
		}
	}
	if groups != wantGroups || buckets != wantBuckets {
		t.Errorf("checked %d log groups and %d buckets, want %d and %d", groups, buckets, wantGroups, wantBuckets)
	}
}

// TestDrainMatchesShutdown: in every template a stopping task first drains
// for the longest request, then gets as long again to shut down gracefully,
// and only then is killed: deregistration delay = SHUTDOWN_TIMEOUT <
// stopTimeout.
func TestDrainMatchesShutdown(t *testing.T) {
	checked := 0
	for _, sc := range scenarioNames {
		s := synth(t, sc)
		tpl := s.json["service"]
		drain := map[string]bool{}
		for _, tg := range findResources(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup") {
			for _, a := range asSlice(dig(tg, "Properties", "TargetGroupAttributes")) {
				if dig(a, "Key") == "deregistration_delay.timeout_seconds" {
					drain[fmt.Sprint(dig(a, "Value"))] = true
				}
			}
		}
		for _, td := range findResources(tpl, "AWS::ECS::TaskDefinition") {
			for _, c := range asSlice(dig(td, "Properties", "ContainerDefinitions")) {
				shutdown := ""
				for _, e := range asSlice(dig(c, "Environment")) {
					if dig(e, "Name") == "SHUTDOWN_TIMEOUT" {
						shutdown = fmt.Sprint(dig(e, "Value"))
					}
				}
				stop, _ := dig(c, "StopTimeout").(float64)
				var seconds int
				if _, err := fmt.Sscanf(shutdown, "%ds", &seconds); err != nil {
					t.Fatalf("%s: SHUTDOWN_TIMEOUT %q", sc, shutdown)
				}
				if len(drain) != 1 || !drain[fmt.Sprint(seconds)] {
					t.Errorf("%s: target groups drain %v, the app shuts down in %ds", sc, drain, seconds)
				}
				if stop <= float64(seconds) || stop > 120 {
					t.Errorf("%s: stopTimeout %v must exceed SHUTDOWN_TIMEOUT %ds and stay within Fargate's 120 s", sc, stop, seconds)
				}
				checked++
			}
		}
	}
	if checked != len(scenarioNames) {
		t.Fatalf("%d containers checked", checked)
	}
}
