package cdkcmd

import (
	"slices"
	"strings"
	"testing"
)

func TestBuildArgv(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{
			name: "synth everything quietly into a directory",
			opts: Options{Command: Synth, Output: "/out/cdk.out", Quiet: true},
			want: []string{"cdk", "synth", "--output", "/out/cdk.out", "--quiet", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "synth with sorted context",
			opts: Options{Command: Synth, Region: "eu-west-1", Context: map[string]string{"memory": "4096", "appName": "shop", "@aws-cdk/core:flag": "true"}},
			want: []string{"cdk", "synth", "-c", "@aws-cdk/core:flag=true", "-c", "appName=shop", "-c", "memory=4096", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "deploy with rollback triggers",
			opts: Options{Command: Deploy, Stacks: []string{"webapp-service"}, Region: "us-east-1",
				RollbackAlarms: []string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:b"}, MonitoringMinutes: 15},
			want: []string{"cdk", "deploy", "webapp-service", "--rollback-trigger-alarm-arns", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a",
				"arn:aws:cloudwatch:us-east-1:123456789012:alarm:b", "--monitoring-time-minutes", "15", "--progress", "events", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "synth all is the default, no flag",
			opts: Options{Command: Synth, All: true},
			want: []string{"cdk", "synth", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "diff two stacks against an assembly",
			opts: Options{Command: Diff, Region: "us-east-1", Stacks: []string{"webapp-network", "webapp-service"}, App: "/assembly"},
			want: []string{"cdk", "diff", "webapp-network", "webapp-service", "--app", "/assembly", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "diff everything by template",
			opts: Options{Command: Diff, Region: "us-east-1", DiffMethod: DiffTemplate},
			want: []string{"cdk", "diff", "--method", "template", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "deploy all, approved, with outputs",
			opts: Options{Command: Deploy, Region: "us-east-1", All: true, ApproveAll: true, App: "/assembly", OutputsFile: "/tmp/o.json"},
			want: []string{"cdk", "deploy", "--all", "--app", "/assembly", "--require-approval", "never", "--outputs-file", "/tmp/o.json", "--progress", "events", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "deploy one stack, no approval flag unless asked, direct method",
			opts: Options{Command: Deploy, Region: "us-east-1", Stacks: []string{"webapp-ecr"}, Method: MethodDirect, Executable: "/opt/cdk/bin/cdk"},
			want: []string{"/opt/cdk/bin/cdk", "deploy", "webapp-ecr", "--method", "direct", "--progress", "events", "--no-notices", "--ci", "--no-color"},
		},
		{
			name: "bootstrap an environment",
			opts: Options{Command: Bootstrap, Region: "us-east-1", Environments: []string{"aws://123456789012/us-east-1"}},
			want: []string{"cdk", "bootstrap", "aws://123456789012/us-east-1", "--no-notices", "--ci", "--no-color"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := Build(tt.opts)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if !slices.Equal(cmd.Args, tt.want) {
				t.Fatalf("argv\n got %q\nwant %q", cmd.Args, tt.want)
			}
		})
	}
}

func TestBuildEnvironment(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		want     map[string]string
		wantNone []string
	}{
		{
			name: "region and endpoint",
			opts: Options{Command: Deploy, All: true, Region: "eu-central-1", Endpoint: "http://127.0.0.1:5000"},
			want: map[string]string{
				"CDK_DISABLE_VERSION_CHECK":                     "true",
				"CDK_DISABLE_CLI_TELEMETRY":                     "true",
				"AWS_EC2_METADATA_DISABLED":                     "true",
				"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
				"AWS_REGION":         "eu-central-1",
				"AWS_DEFAULT_REGION": "eu-central-1",
				"CDK_DEFAULT_REGION": "eu-central-1",
				"AWS_ENDPOINT_URL":   "http://localhost:5000",
			},
		},
		{
			name:     "synth bound to an account without credentials",
			opts:     Options{Command: Synth, Account: "123456789012", Region: "us-east-1"},
			want:     map[string]string{"CDK_DEFAULT_ACCOUNT": "123456789012", "CDK_DEFAULT_REGION": "us-east-1"},
			wantNone: []string{"AWS_ENDPOINT_URL"},
		},
		{
			name:     "synth without region or endpoint",
			opts:     Options{Command: Synth},
			want:     map[string]string{"CDK_DISABLE_VERSION_CHECK": "true", "AWS_EC2_METADATA_DISABLED": "true"},
			wantNone: []string{"AWS_REGION", "AWS_DEFAULT_REGION", "CDK_DEFAULT_REGION", "AWS_ENDPOINT_URL", "CDK_DEFAULT_ACCOUNT"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := Build(tt.opts)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			for k, v := range tt.want {
				if got, ok := cmd.Lookup(k); !ok || got != v {
					t.Errorf("%s = %q (set %v), want %q", k, got, ok, v)
				}
			}
			for _, k := range tt.wantNone {
				if got, ok := cmd.Lookup(k); ok {
					t.Errorf("%s = %q, want unset", k, got)
				}
			}
			if !slices.IsSortedFunc(cmd.Env, func(a, b EnvVar) int { return strings.Compare(a.Name, b.Name) }) {
				t.Errorf("env not sorted by name: %v", cmd.Env)
			}
			for _, kv := range cmd.Environ() {
				for _, secret := range []string{EnvAccessKeyID, EnvSecretAccessKey, EnvSessionToken} {
					if strings.HasPrefix(kv, secret+"=") {
						t.Errorf("credential variable %s in the plain environment", secret)
					}
				}
			}
		})
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string // substrings of the error
	}{
		{"unknown command", Options{Command: "destroy", Region: "us-east-1"}, []string{`"destroy"`, "synth, diff, deploy, bootstrap"}},
		{"deploy without region", Options{Command: Deploy, All: true}, []string{"region", `""`, "us-east-1"}},
		{"bad region", Options{Command: Diff, Region: "US-EAST-1"}, []string{"region", `"US-EAST-1"`}},
		{"bad stack", Options{Command: Deploy, Region: "us-east-1", Stacks: []string{"webapp_ecr"}}, []string{"stack", `"webapp_ecr"`, "letters, digits and hyphens"}},
		{"wildcard stack", Options{Command: Deploy, Region: "us-east-1", Stacks: []string{"webapp-*"}}, []string{`"webapp-*"`}},
		{"duplicate stack", Options{Command: Deploy, Region: "us-east-1", Stacks: []string{"a", "a"}}, []string{`"a"`, "at most once"}},
		{"deploy selects nothing", Options{Command: Deploy, Region: "us-east-1"}, []string{"name them or select all"}},
		{"stacks and all", Options{Command: Deploy, Region: "us-east-1", All: true, Stacks: []string{"a"}}, []string{"not both"}},
		{"approval on diff", Options{Command: Diff, Region: "us-east-1", ApproveAll: true}, []string{"only applies to cdk deploy"}},
		{"outputs on synth", Options{Command: Synth, OutputsFile: "o.json"}, []string{"only written by cdk deploy"}},
		{"method on diff", Options{Command: Diff, Region: "us-east-1", Method: MethodDirect}, []string{"only applies to cdk deploy"}},
		{"bad method", Options{Command: Deploy, Region: "us-east-1", All: true, Method: "hotswap"}, []string{`"hotswap"`, "change-set (default) or direct"}},
		{"diff method on deploy", Options{Command: Deploy, Region: "us-east-1", All: true, DiffMethod: DiffTemplate}, []string{"only applies to cdk diff"}},
		{"bad diff method", Options{Command: Diff, Region: "us-east-1", DiffMethod: "fast"}, []string{`"fast"`, "auto (default), change-set or template"}},
		{"quiet deploy", Options{Command: Deploy, Region: "us-east-1", All: true, Quiet: true}, []string{"only applies to cdk synth"}},
		{"bad context key", Options{Command: Synth, Context: map[string]string{"app name": "x"}}, []string{"context key", `"app name"`}},
		{"context value with newline", Options{Command: Synth, Context: map[string]string{"appName": "a\nb"}}, []string{"context value for appName"}},
		{"bootstrap with stacks", Options{Command: Bootstrap, Region: "us-east-1", Stacks: []string{"a"}}, []string{"environments"}},
		{"bad bootstrap environment", Options{Command: Bootstrap, Region: "us-east-1", Environments: []string{"aws://1234/us-east-1"}}, []string{`"aws://1234/us-east-1"`, "12-digit account"}},
		{"environment on deploy", Options{Command: Deploy, Region: "us-east-1", All: true, Environments: []string{"aws://123456789012/us-east-1"}}, []string{"only for cdk bootstrap"}},
		{"bad account", Options{Command: Synth, Region: "us-east-1", Account: "12345"}, []string{"account", `"12345"`, "12-digit"}},
		{"account without region", Options{Command: Synth, Account: "123456789012"}, []string{"123456789012", "needs a region"}},
		{"rollback alarms on diff", Options{Command: Diff, Region: "us-east-1", RollbackAlarms: []string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"}}, []string{"only apply to cdk deploy"}},
		{"six rollback alarms", Options{Command: Deploy, Region: "us-east-1", All: true, RollbackAlarms: slices.Repeat([]string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"}, 6)}, []string{"at most 5"}},
		{"rollback alarm not an ARN", Options{Command: Deploy, Region: "us-east-1", All: true, RollbackAlarms: []string{"webapp-http-5xx-blue"}}, []string{`"webapp-http-5xx-blue"`, "CloudWatch alarm ARN"}},
		{"monitoring too long", Options{Command: Deploy, Region: "us-east-1", All: true, RollbackAlarms: []string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"}, MonitoringMinutes: 181}, []string{`"181"`, "0 to 180"}},
		{"monitoring without alarms", Options{Command: Deploy, Region: "us-east-1", All: true, MonitoringMinutes: 5}, []string{"needs rollback alarms"}},
		{"bad endpoint", Options{Command: Deploy, Region: "us-east-1", All: true, Endpoint: "localhost:5000"}, []string{"AWS endpoint", `"localhost:5000"`, "http(s) URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := Build(tt.opts)
			if err == nil {
				t.Fatalf("Build accepted %+v: %q", tt.opts, cmd.Args)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseDeployMethod(t *testing.T) {
	for in, want := range map[string]DeployMethod{"": MethodChangeSet, "change-set": MethodChangeSet, "direct": MethodDirect} {
		got, err := ParseDeployMethod(in)
		if err != nil || got != want {
			t.Errorf("ParseDeployMethod(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseDeployMethod("Direct"); err == nil || !strings.Contains(err.Error(), `"Direct"`) {
		t.Errorf("ParseDeployMethod(Direct) error = %v, want one naming the value", err)
	}
}

func TestParseDiffMethod(t *testing.T) {
	for in, want := range map[string]DiffMethod{"": DiffAuto, "auto": DiffAuto, "change-set": DiffChangeSet, "template": DiffTemplate} {
		got, err := ParseDiffMethod(in)
		if err != nil || got != want {
			t.Errorf("ParseDiffMethod(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseDiffMethod("direct"); err == nil || !strings.Contains(err.Error(), `"direct"`) {
		t.Errorf("ParseDiffMethod(direct) error = %v, want one naming the value", err)
	}
}

func TestRequireCredentials(t *testing.T) {
	if err := RequireCredentials("deploy-infra", true, true); err != nil {
		t.Fatalf("both present: %v", err)
	}
	tests := []struct {
		key, secret bool
		want        []string
		notWant     []string
	}{
		{false, true, []string{"deploy-infra", "--aws-access-key-id"}, []string{"--aws-secret-access-key"}},
		{true, false, []string{"--aws-secret-access-key"}, []string{"--aws-access-key-id"}},
		{false, false, []string{"--aws-access-key-id", "--aws-secret-access-key"}, nil},
	}
	for _, tt := range tests {
		err := RequireCredentials("deploy-infra", tt.key, tt.secret)
		if err == nil {
			t.Fatalf("key=%v secret=%v: no error", tt.key, tt.secret)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not mention %q", err, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(err.Error(), w) {
				t.Errorf("error %q mentions %q, which is present", err, w)
			}
		}
	}
}
