package taskdefdiff

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const (
	appV1 = "111122223333.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:aaaa"
	appV2 = "111122223333.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:bbbb"
	// xray is longer than a summary may be: an image is never cut.
	xray = "public.ecr.aws/xray/aws-xray-daemon:3.3.14@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// base is a task definition with an app container and a log-router sidecar,
// the shape the CDK code registers.
func base() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String("webapp"),
		Cpu:                     aws.String("512"),
		Memory:                  aws.String("1024"),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::111122223333:role/exec"),
		RuntimePlatform:         &ecstypes.RuntimePlatform{CpuArchitecture: ecstypes.CPUArchitectureX8664, OperatingSystemFamily: ecstypes.OSFamilyLinux},
		ContainerDefinitions: []ecstypes.ContainerDefinition{
			{
				Name:         aws.String("webapp"),
				Image:        aws.String(appV1),
				Essential:    aws.Bool(true),
				PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(3000), Protocol: ecstypes.TransportProtocolTcp}},
				Environment: []ecstypes.KeyValuePair{
					{Name: aws.String("LOG_LEVEL"), Value: aws.String("info")},
					{Name: aws.String("API_TOKEN"), Value: aws.String("s3cr3t-v1")},
				},
				Secrets: []ecstypes.Secret{{Name: aws.String("DB_PASSWORD"), ValueFrom: aws.String("arn:aws:secretsmanager:us-east-1:111122223333:secret:db")}},
				LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
					"awslogs-group": "/ecs/webapp", "awslogs-stream-prefix": "webapp",
				}, SecretOptions: []ecstypes.Secret{{Name: aws.String("apiKey"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:111122223333:parameter/k1")}}},
				HealthCheck: &ecstypes.HealthCheck{Command: []string{"CMD", "/app", "-healthz"}, Interval: aws.Int32(30)},
				DependsOn:   []ecstypes.ContainerDependency{{ContainerName: aws.String("log-router"), Condition: ecstypes.ContainerConditionStart}},
			},
			{Name: aws.String("log-router"), Image: aws.String("fluent-bit:2"), Essential: aws.Bool(false)},
		},
		Volumes: []ecstypes.Volume{{Name: aws.String("data"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{FileSystemId: aws.String("fs-1")}}},
		Tags:    []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		change func(*ecs.RegisterTaskDefinitionInput)
		want   []string
	}{
		{"identical", func(*ecs.RegisterTaskDefinitionInput) {}, nil},
		{"cpu and memory", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Cpu, in.Memory = aws.String("1024"), aws.String("2048")
		}, []string{"cpu: 512 → 1024", "memory: 1024 → 2048"}},
		{"app image", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Image = aws.String(appV2)
		}, []string{"container webapp: image: " + appV1 + " → " + appV2}},
		{"env added, changed, removed; values never shown", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Environment = []ecstypes.KeyValuePair{
				{Name: aws.String("API_TOKEN"), Value: aws.String("s3cr3t-v2")},
				{Name: aws.String("FOO"), Value: aws.String("bar")},
			}
		}, []string{"container webapp: env API_TOKEN: value changed (not shown)", "container webapp: env FOO: added", "container webapp: env LOG_LEVEL: removed"}},
		{"secret removed and added", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Secrets = []ecstypes.Secret{{Name: aws.String("REDIS_URL"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:111122223333:parameter/redis")}}
		}, []string{
			"container webapp: secret DB_PASSWORD: removed (was arn:aws:secretsmanager:us-east-1:111122223333:secret:db)",
			"container webapp: secret REDIS_URL: added (arn:aws:ssm:us-east-1:111122223333:parameter/redis)",
		}},
		{"secret source changed", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Secrets[0].ValueFrom = aws.String("arn:aws:secretsmanager:us-east-1:111122223333:secret:db2")
		}, []string{"container webapp: secret DB_PASSWORD: arn:aws:secretsmanager:us-east-1:111122223333:secret:db → arn:aws:secretsmanager:us-east-1:111122223333:secret:db2"}},
		{"sidecar image", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].Image = aws.String("fluent-bit:3")
		}, []string{"container log-router: image: fluent-bit:2 → fluent-bit:3"}},
		{"sidecar added", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions = append(in.ContainerDefinitions, ecstypes.ContainerDefinition{Name: aws.String("xray"), Image: aws.String(xray), Cpu: 32})
		}, []string{"container xray: added (image " + xray + ")"}},
		{"sidecar removed", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions = in.ContainerDefinitions[:1]
		}, []string{"container log-router: removed (was image fluent-bit:2)"}},
		{"driver options that may hold credentials are never shown", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].LogConfiguration.Options["splunk-token"] = "tok-e3b0c442"
			in.ContainerDefinitions[0].LogConfiguration.Options["splunk-url"] = "https://splunk.example:8088"
		}, []string{
			"container webapp: logConfiguration.options.splunk-token: value changed (not shown)",
			"container webapp: logConfiguration.options.splunk-url: value changed (not shown)",
		}},
		{"log options", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].LogConfiguration.Options = map[string]string{"awslogs-group": "/ecs/shop", "awslogs-stream-prefix": "webapp", "mode": "non-blocking"}
		}, []string{
			"container webapp: logConfiguration.options.awslogs-group: /ecs/webapp → /ecs/shop",
			"container webapp: logConfiguration.options.mode: unset → non-blocking",
		}},
		{"runtime platform", func(in *ecs.RegisterTaskDefinitionInput) {
			in.RuntimePlatform.CpuArchitecture = ecstypes.CPUArchitectureArm64
		}, []string{"runtimePlatform.cpuArchitecture: X86_64 → ARM64"}},
		{"task role added", func(in *ecs.RegisterTaskDefinitionInput) {
			in.TaskRoleArn = aws.String("arn:aws:iam::111122223333:role/task")
		}, []string{"taskRoleArn: unset → arn:aws:iam::111122223333:role/task"}},
		{"tag changed", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Tags[0].Value = aws.String("platform")
		}, []string{"tag team: web → platform"}},
		{"port added", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings = append(in.ContainerDefinitions[0].PortMappings, ecstypes.PortMapping{ContainerPort: aws.Int32(9090), Protocol: ecstypes.TransportProtocolTcp})
		}, []string{"container webapp: port 9090/tcp: added"}},
		{"command list", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Command = []string{"/app", "--verbose"}
		}, []string{`container webapp: command: unset → ["/app","--verbose"]`}},
		{"a member inside an entry present on both sides", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []ecstypes.Volume{{Name: aws.String("data"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{FileSystemId: aws.String("fs-2")}}}
			in.ContainerDefinitions[0].LogConfiguration.SecretOptions = []ecstypes.Secret{{Name: aws.String("apiKey"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:111122223333:parameter/k2")}}
		}, []string{
			"volume data: efsVolumeConfiguration.fileSystemId: fs-1 → fs-2",
			"container webapp: logConfiguration: secret option apiKey: arn:aws:ssm:us-east-1:111122223333:parameter/k1 → arn:aws:ssm:us-east-1:111122223333:parameter/k2",
		}},
		{"health check and dependency", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].HealthCheck = &ecstypes.HealthCheck{Command: []string{"CMD", "/app", "-health"}, Interval: aws.Int32(10)}
			in.ContainerDefinitions[0].DependsOn = []ecstypes.ContainerDependency{{ContainerName: aws.String("log-router"), Condition: ecstypes.ContainerConditionHealthy}}
		}, []string{
			"container webapp: depends on log-router: condition: START → HEALTHY",
			`container webapp: healthCheck.command: ["CMD","/app","-healthz"] → ["CMD","/app","-health"]`,
			"container webapp: healthCheck.interval: 30 → 10",
		}},
		{"reordered entries are no change", func(in *ecs.RegisterTaskDefinitionInput) {
			env := in.ContainerDefinitions[0].Environment
			env[0], env[1] = env[1], env[0]
			in.ContainerDefinitions[0], in.ContainerDefinitions[1] = in.ContainerDefinitions[1], in.ContainerDefinitions[0]
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := base()
			tt.change(to)
			got, err := Compare(base(), to)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, c := range got {
				lines = append(lines, c.String())
			}
			if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, l := range lines {
				if strings.Contains(l, "s3cr3t") || strings.Contains(l, "\"bar\"") {
					t.Errorf("an environment value is shown: %s", l)
				}
			}
		})
	}
}

// TestCompareOrder: task-level changes first, then each container by name
// with its own addition or removal first and its image next; the same input
// always gives the same lines.
func TestCompareOrder(t *testing.T) {
	to := base()
	to.Memory = aws.String("2048")
	to.Cpu = aws.String("1024")
	to.ContainerDefinitions[0].Image = aws.String(appV2)
	to.ContainerDefinitions[0].Environment = append(to.ContainerDefinitions[0].Environment, ecstypes.KeyValuePair{Name: aws.String("A"), Value: aws.String("1")})
	to.ContainerDefinitions[1].Image = aws.String("fluent-bit:3")
	to.ContainerDefinitions = append(to.ContainerDefinitions, ecstypes.ContainerDefinition{Name: aws.String("agent"), Image: aws.String("agent:1")})
	to.Tags = append(to.Tags, ecstypes.Tag{Key: aws.String("cost-center"), Value: aws.String("42")})
	want := strings.Join([]string{
		"cpu: 512 → 1024",
		"memory: 1024 → 2048",
		"tag cost-center: added (42)",
		"container agent: added (image agent:1)",
		"container log-router: image: fluent-bit:2 → fluent-bit:3",
		"container webapp: image: " + appV1 + " → " + appV2,
		"container webapp: env A: added",
	}, "\n")
	for i := 0; i < 20; i++ {
		got, err := Compare(base(), to)
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.TrimRight(got.Lines(""), "\n"); s != want {
			t.Fatalf("run %d:\n%s\nwant:\n%s", i, s, want)
		}
	}
}

func TestCompareFindAndNil(t *testing.T) {
	got, err := Compare(nil, base())
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := got.Find("container webapp"); !ok || c.Kind != Added {
		t.Fatalf("from nothing: %v", got)
	}
	if c, ok := got.Find("family"); !ok || c.To != "webapp" || c.String() != "family: unset → webapp" {
		t.Fatalf("family from nothing: %+v", c)
	}
	got, err = Compare(base(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := got.Find("container log-router"); !ok || c.Kind != Removed {
		t.Fatalf("to nothing: %v", got)
	}
	if _, ok := got.Find("container webapp: image"); ok {
		t.Fatal("a removed container's members are listed one by one")
	}
}

func TestSummaryIsShort(t *testing.T) {
	to := base()
	to.Volumes = []ecstypes.Volume{{Name: aws.String("cache"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{
		FileSystemId: aws.String("fs-" + strings.Repeat("0", 200)),
	}}}
	got, err := Compare(base(), to)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := got.Find("volume cache")
	if !ok || c.Kind != Added || len([]rune(c.To)) != summaryLimit || !strings.HasSuffix(c.To, "…") || !strings.Contains(c.To, "efsVolumeConfiguration") {
		t.Fatalf("volume change = %+v", c)
	}
}
