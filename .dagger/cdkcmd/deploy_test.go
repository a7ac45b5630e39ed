package cdkcmd

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/internal/testtool"
)

func TestMain(m *testing.M) { moto.Main(m) }

// appName is the infra app's default appName (cdk.json); the stacks are named after it.
const appName = "webapp"

// TestDeployAgainstMoto synthesizes the real infra/ app, bootstraps the
// emulated account and deploys the stacks the emulator supports, with
// exactly the argv and environment Build returns, then checks the outputs
// file against what CloudFormation reports and the resources exist.
//
// <app>-service and <app>-pipeline are not deployed: the emulator has no
// CloudFormation support for CodeDeploy or CodeBuild resources and fails on
// listeners whose default action is a weighted forward.
func TestDeployAgainstMoto(t *testing.T) {
	infra, cdk := cdkApp(t)
	srv := moto.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	work := t.TempDir()
	assembly := filepath.Join(work, "cdk.out")
	outputsFile := filepath.Join(work, "outputs.json")

	// Synthesize with the emulated account's credentials, as deploy-infra
	// does, so the stacks carry the account the CLI resolves.
	run(ctx, t, infra, true, mustBuild(t, Options{
		Command: Synth, Executable: cdk, Output: assembly, Quiet: true,
		Region: moto.Region, Endpoint: srv.URL,
	}))
	// Bootstrap the environments of the assembly, as deploy-infra --bootstrap
	// does, from a directory without cdk.json so nothing is synthesized twice.
	run(ctx, t, work, true, mustBuild(t, Options{
		Command: Bootstrap, Executable: cdk, App: assembly, Region: moto.Region, Endpoint: srv.URL,
	}))
	cfnCheck := cloudformation.NewFromConfig(motoConfig(srv))
	if _, err := cfnCheck.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("CDKToolkit")}); err != nil {
		t.Fatalf("bootstrap left no CDKToolkit stack: %v", err)
	}
	stacks := []string{appName + "-ecr", appName + "-network"}
	deploy := mustBuild(t, Options{
		Command: Deploy, Executable: cdk, Stacks: stacks, App: assembly, ApproveAll: true,
		OutputsFile: outputsFile, Method: MethodDirect, Region: moto.Region, Endpoint: srv.URL,
	})
	run(ctx, t, work, true, deploy)

	data, err := os.ReadFile(outputsFile)
	if err != nil {
		t.Fatalf("deploy wrote no outputs file: %v", err)
	}
	fromFile, err := ParseOutputs(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg := motoConfig(srv)
	cfn := cloudformation.NewFromConfig(cfg)
	for _, stack := range stacks {
		out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
		if err != nil {
			t.Fatalf("DescribeStacks %s: %v", stack, err)
		}
		st := out.Stacks[0]
		if got := string(st.StackStatus); got != "CREATE_COMPLETE" {
			t.Errorf("%s status = %s, want CREATE_COMPLETE", stack, got)
		}
		described := map[string]string{}
		for _, o := range st.Outputs {
			described[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
		if len(described) == 0 {
			t.Errorf("%s has no outputs; the other stacks import them", stack)
		}
		if !maps.Equal(fromFile[stack], described) {
			t.Errorf("%s outputs file = %v, CloudFormation reports %v", stack, fromFile[stack], described)
		}
	}
	if len(fromFile) != len(stacks) {
		t.Errorf("outputs file has stacks %v, want exactly %v", slices.Sorted(maps.Keys(fromFile)), stacks)
	}

	// The repository exists under the app's name, and the file's outputs
	// name it; the network's VPC is among its outputs.
	repos, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{appName}})
	if err != nil || len(repos.Repositories) != 1 {
		t.Fatalf("repository %s not created: %v", appName, err)
	}
	if !slices.Contains(slices.Collect(maps.Values(fromFile[appName+"-ecr"])), aws.ToString(repos.Repositories[0].RepositoryArn)) {
		t.Errorf("%s-ecr outputs %v do not carry the repository ARN %s", appName, fromFile[appName+"-ecr"], aws.ToString(repos.Repositories[0].RepositoryArn))
	}
	res, err := cfn.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(appName + "-network")})
	if err != nil {
		t.Fatal(err)
	}
	var vpcs []string
	for _, r := range res.StackResources {
		if aws.ToString(r.ResourceType) == "AWS::EC2::VPC" {
			vpcs = append(vpcs, aws.ToString(r.PhysicalResourceId))
		}
	}
	if len(vpcs) != 1 || !slices.Contains(slices.Collect(maps.Values(fromFile[appName+"-network"])), vpcs[0]) {
		t.Errorf("network VPCs %v, want one whose id is among the outputs %v", vpcs, fromFile[appName+"-network"])
	}
	// What was just deployed shows no differences, and deploying it again
	// changes nothing and reports the same outputs.
	diff := run(ctx, t, work, true, mustBuild(t, Options{
		Command: Diff, Executable: cdk, Stacks: stacks, App: assembly, DiffMethod: DiffTemplate,
		Region: moto.Region, Endpoint: srv.URL,
	}))
	if n := strings.Count(diff, "There were no differences"); n != len(stacks) {
		t.Errorf("diff after deploy reports differences (%d of %d stacks unchanged):\n%s", n, len(stacks), diff)
	}
	if err := os.Remove(outputsFile); err != nil {
		t.Fatal(err)
	}
	run(ctx, t, work, true, deploy)
	again, err := os.ReadFile(outputsFile)
	if err != nil {
		t.Fatalf("second deploy wrote no outputs file: %v", err)
	}
	if second, err := FormatOutputs(again); err != nil || second != fromFile.String() {
		t.Errorf("second deploy outputs differ (err %v):\n%s\nfirst:\n%s", err, second, fromFile)
	}

	text := fromFile.String()
	if !strings.HasPrefix(text, appName+"-ecr\n  ") || !strings.Contains(text, "\n"+appName+"-network\n  ") {
		t.Errorf("formatted outputs do not list both stacks:\n%s", text)
	}
}

// motoConfig is an SDK configuration for the emulator with its fake credentials.
func motoConfig(srv *moto.Server) aws.Config {
	return aws.Config{
		Region:       moto.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
		BaseEndpoint: aws.String(srv.URL),
	}
}

// TestSynthForAccountWithoutCredentials synthesizes the infra/ app the way
// the synth function does without credentials: bound to an account given
// explicitly, whose lookups are committed in infra/cdk.context.json.
func TestSynthForAccountWithoutCredentials(t *testing.T) {
	infra, cdk := cdkApp(t)
	srv := moto.Shared(t) // an endpoint that answers, should anything call AWS
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	assembly := filepath.Join(t.TempDir(), "cdk.out")
	run(ctx, t, infra, false, mustBuild(t, Options{
		Command: Synth, Executable: cdk, Output: assembly, Quiet: true,
		Account: moto.Account, Region: moto.Region, Endpoint: srv.URL,
	}))
	data, err := os.ReadFile(filepath.Join(assembly, "manifest.json"))
	if err != nil {
		t.Fatalf("no cloud assembly manifest: %v", err)
	}
	var manifest struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			Environment string `json:"environment"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	var stacks []string
	for name, a := range manifest.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		stacks = append(stacks, name)
		if want := "aws://" + moto.Account + "/" + moto.Region; a.Environment != want {
			t.Errorf("stack %s environment = %q, want %q", name, a.Environment, want)
		}
		if _, err := os.Stat(filepath.Join(assembly, name+".template.json")); err != nil {
			t.Errorf("stack %s has no template: %v", name, err)
		}
	}
	slices.Sort(stacks)
	want := []string{appName + "-ecr", appName + "-network", appName + "-pipeline", appName + "-service"}
	if !slices.Equal(stacks, want) {
		t.Errorf("stacks = %v, want %v", stacks, want)
	}
}

// cdkApp returns the infra/ directory and the pinned CLI, or skips.
func cdkApp(t *testing.T) (infra, cdk string) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: runs the CDK CLI and synthesizes the app (about 30 s); drop -short to run it")
	}
	testtool.Require(t, "node")
	testtool.Require(t, "go")
	infra, err := filepath.Abs(filepath.Join("..", "..", "infra"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(infra, "cdk.json")); err != nil {
		t.Fatalf("the CDK app is missing: %v", err)
	}
	return infra, installCLI(t)
}

func mustBuild(t *testing.T, o Options) Command {
	t.Helper()
	cmd, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// run executes cmd in dir with its environment, the emulator's fake
// credentials when withCreds is set, and the parts of the test's environment
// the CLI and Go need (PATH, HOME, Go caches). Inherited AWS_* and CDK_*
// variables are dropped and the shared AWS config files point nowhere, so a
// developer's real profile can never be used.
func run(ctx context.Context, t *testing.T, dir string, withCreds bool, cmd Command) string {
	t.Helper()
	c := exec.CommandContext(ctx, cmd.Args[0], cmd.Args[1:]...)
	c.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "CDK_") {
			c.Env = append(c.Env, kv)
		}
	}
	none := filepath.Join(t.TempDir(), "none")
	c.Env = append(c.Env, "AWS_CONFIG_FILE="+none, "AWS_SHARED_CREDENTIALS_FILE="+none)
	c.Env = append(c.Env, cmd.Environ()...)
	if withCreds {
		c.Env = append(c.Env, EnvAccessKeyID+"="+moto.AccessKey, EnvSecretAccessKey+"="+moto.SecretKey)
	}
	start := time.Now()
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s failed after %s: %v\n%s", filepath.Base(cmd.Args[0]), cmd.Args[1], time.Since(start).Round(time.Millisecond), err, out)
	}
	t.Logf("cdk %s: %s", cmd.Args[1], time.Since(start).Round(time.Millisecond))
	return string(out)
}

// installCLI installs the pinned aws-cdk CLI once per machine into the
// project's cache directory ($ECS_BLUEGREEN_CACHE, else
// $XDG_CACHE_HOME/ecs-bluegreen or ~/.cache/ecs-bluegreen) and returns the
// path of its executable.
func installCLI(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("ECS_BLUEGREEN_CACHE")
	if cache == "" {
		user, err := os.UserCacheDir()
		if err != nil {
			testtool.Missing(t, "no user cache directory for the aws-cdk CLI: "+err.Error())
		}
		cache = filepath.Join(user, "ecs-bluegreen")
	}
	dir := filepath.Join(cache, "aws-cdk-"+CLIVersion)
	bin := filepath.Join(dir, "node_modules", ".bin", "cdk")
	if _, err := os.Stat(bin); errors.Is(err, os.ErrNotExist) {
		npm := testtool.Require(t, "npm")
		// Install beside the final place and rename, so an interrupted
		// install never leaves a half-populated cache behind.
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
		tmp, err := os.MkdirTemp(filepath.Dir(dir), ".aws-cdk-install-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		out, err := exec.Command(npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--loglevel=error", NpmPackage).CombinedOutput()
		if err != nil {
			t.Fatalf("npm install %s: %v\n%s", NpmPackage, err, out)
		}
		if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
			t.Fatalf("moving the CLI into the cache: %v", err)
		}
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), CLIVersion+" ") {
		t.Fatalf("%s --version = %q, %v; want %s (remove %s to reinstall)", bin, out, err, CLIVersion, dir)
	}
	return bin
}
