package cienv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	pinnedDagger  = "0.21.8"
	moduleDir     = ".."
	buildspecPath = "../../buildspec/buildspec.yml"
	workflowPath  = "../../.github/workflows/release.yml"
)

// realModule is the module as `dagger call` will see it.
func realModule(t *testing.T) Module {
	t.Helper()
	m, err := LoadModule(moduleDir, "EcsBluegreen")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkReleaseCall asserts what both entry points must run: the constructor's
// AWS options from env: references and release --stack … --version <revision>
// … export --path dist --wipe.
func checkReleaseCall(t *testing.T, c Call, revision string) {
	t.Helper()
	for flag, want := range map[string]string{
		"region":                "$AWS_REGION",
		"aws-access-key-id":     "env:AWS_ACCESS_KEY_ID",
		"aws-secret-access-key": "env:AWS_SECRET_ACCESS_KEY",
		"aws-session-token":     "env:AWS_SESSION_TOKEN",
	} {
		if got := c.Constructor[flag]; got != want {
			t.Errorf("constructor --%s = %q, want %q", flag, got, want)
		}
	}
	if len(c.Chain) != 2 || c.Chain[0].Name != "release" || c.Chain[1].Name != "export" || c.Chain[1].Flags["path"] != "dist" {
		t.Fatalf("chain = %+v, want release … export --path dist", c.Chain)
	}
	// Without --wipe a deployment.json from an earlier run would ride along.
	if _, ok := c.Chain[1].Flags["wipe"]; !ok {
		t.Errorf("export flags = %v, want --wipe so dist holds only this release", c.Chain[1].Flags)
	}
	if c.Chain[0].Flags["stack"] != "$SERVICE_STACK" {
		t.Errorf("release --stack = %q, want $SERVICE_STACK", c.Chain[0].Flags["stack"])
	}
	// The image tag defaults to the revision; without one the release refuses to run.
	if c.Chain[0].Flags["version"] != revision {
		t.Errorf("release --version = %q, want %s", c.Chain[0].Flags["version"], revision)
	}
}

func TestBuildspec(t *testing.T) {
	b, err := LoadBuildspec(buildspecPath)
	if err != nil {
		t.Fatal(err)
	}
	if b.Version != "0.2" || b.Env.Shell != "bash" {
		t.Errorf("version %q shell %q, want 0.2 and bash", b.Version, b.Env.Shell)
	}
	if b.Env.Variables["DAGGER_VERSION"] != pinnedDagger {
		t.Errorf("DAGGER_VERSION = %q, want %s", b.Env.Variables["DAGGER_VERSION"], pinnedDagger)
	}
	all := strings.Join(b.Commands(), "\n")
	// The privileged build runs nothing from the network unverified
	// (TestInstallVerifiesTheReleaseArchive runs the script itself).
	if !strings.Contains(all, "bash buildspec/install-dagger.sh ./bin") {
		t.Errorf("the Dagger CLI is not installed by the verifying script into ./bin:\n%s", all)
	}
	for _, pipe := range []string{"| sh", "| bash", "|sh", "|bash"} {
		if strings.Contains(all, pipe) {
			t.Errorf("the buildspec pipes a download into a shell (%q)", pipe)
		}
	}
	if !strings.Contains(all, ". buildspec/container-credentials.sh") {
		t.Error("the container credentials are not exported before the call")
	}
	if leaks := LeakyLines(all); len(leaks) > 0 {
		t.Errorf("buildspec prints or traces credentials: %q", leaks)
	}
	script, err := os.ReadFile("../../buildspec/container-credentials.sh")
	if err != nil {
		t.Fatal(err)
	}
	if leaks := LeakyLines(string(script)); len(leaks) > 0 {
		t.Errorf("container-credentials.sh prints or traces credentials: %q", leaks)
	}
	if !strings.Contains(string(script), "set +x") {
		t.Error("container-credentials.sh does not switch tracing off")
	}

	var calls []Call
	for _, cmd := range b.Commands() {
		for _, line := range daggerCallLines(cmd) {
			words, err := Words(line)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ParseCall(words, realModule(t))
			if err != nil {
				t.Fatalf("buildspec call %q: %v", line, err)
			}
			calls = append(calls, c)
		}
	}
	if len(calls) != 1 {
		t.Fatalf("want exactly one dagger call in the buildspec, found %d", len(calls))
	}
	checkReleaseCall(t, calls[0], "$CODEBUILD_RESOLVED_SOURCE_VERSION")
	if calls[0].Chain[0].Flags["deploy"] != "" {
		t.Error("the CodeBuild stage must not deploy: the pipeline's CodeDeploy action does")
	}

	// One buildspec serves every mode: the artifact is the whole of what the
	// release exported into dist/ (with --wipe, so nothing stale), which is
	// the CodeDeploy action's files in codedeploy mode and the ECS action's
	// in ecs mode. Listing files by name would name some a mode never writes.
	if b.Artifacts.BaseDirectory != "dist" || len(b.Artifacts.Files) != 1 || b.Artifacts.Files[0] != "**/*" {
		t.Errorf("artifacts: base-directory %q, files %q; want everything under dist/ (base-directory dist, files **/*)", b.Artifacts.BaseDirectory, b.Artifacts.Files)
	}
	if chain := calls[0].Chain; len(chain) < 2 || chain[len(chain)-1].Flags["path"] != "dist" || chain[len(chain)-1].Flags["wipe"] == "" {
		t.Errorf("the release must export to dist with --wipe so the artifact holds only this release's files, got %+v", calls[0].Chain)
	}
	if b.Artifacts.DiscardPaths != "yes" {
		t.Errorf("discard-paths = %q: the CodeDeploy action wants the files at the artifact root", b.Artifacts.DiscardPaths)
	}
}

// daggerCallLines extracts the dagger call command lines of a script,
// continuation lines joined.
func daggerCallLines(script string) []string {
	joined := strings.ReplaceAll(script, "\\\n", " ")
	var out []string
	for _, line := range strings.Split(joined, "\n") {
		if strings.Contains(line, "dagger") && strings.Contains(line, " call ") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

func TestReleaseWorkflow(t *testing.T) {
	w, err := LoadWorkflow(workflowPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := w.On["workflow_dispatch"]; !ok {
		t.Error("no workflow_dispatch trigger")
	}
	push, ok := w.On["push"]
	if !ok {
		t.Fatal("no push trigger")
	}
	var pushOn struct {
		Branches []string `yaml:"branches"`
	}
	if err := push.Decode(&pushOn); err != nil || len(pushOn.Branches) != 1 || pushOn.Branches[0] != "main" {
		t.Errorf("push trigger %+v (%v), want branches [main]", pushOn, err)
	}
	if w.Permissions["id-token"] != "write" || w.Permissions["contents"] != "read" || len(w.Permissions) != 2 {
		t.Errorf("permissions = %v, want exactly id-token: write, contents: read", w.Permissions)
	}
	if w.Concurrency.Group == "" || w.Concurrency.CancelInProgress {
		t.Errorf("concurrency = %+v: releases must queue, never overlap or be cancelled mid-deployment", w.Concurrency)
	}

	creds, ok := w.Step("aws-actions/configure-aws-credentials")
	if !ok {
		t.Fatal("no aws-actions/configure-aws-credentials step")
	}
	if !PinnedExactly(creds.Uses) || creds.With["role-to-assume"] == "" || creds.With["aws-access-key-id"] != "" {
		t.Errorf("credentials step %q with %v: want an exact pin and OIDC role-to-assume, no static keys", creds.Uses, creds.With)
	}

	dg, ok := w.Step("dagger/dagger-for-github")
	if !ok {
		t.Fatal("no dagger/dagger-for-github step")
	}
	if !PinnedExactly(dg.Uses) || dg.With["version"] != pinnedDagger || dg.With["verb"] != "call" {
		t.Errorf("dagger step %q with %v: want an exact pin, version %s, verb call", dg.Uses, dg.With, pinnedDagger)
	}
	// The action runs `dagger <flags> <verb> <args>`.
	words, err := Words("dagger " + dg.With["verb"] + " " + dg.With["args"])
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCall(words, realModule(t))
	if err != nil {
		t.Fatalf("workflow call: %v", err)
	}
	checkReleaseCall(t, c, "$GITHUB_SHA")
	if c.Chain[0].Flags["deploy"] != "true" {
		t.Error("the workflow must run release --deploy")
	}
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if s.Uses != "" && !PinnedExactly(s.Uses) {
				t.Errorf("step %q uses %q: pin an exact release or commit", s.Name, s.Uses)
			}
			if leaks := LeakyLines(s.Run + "\n" + s.With["args"]); len(leaks) > 0 {
				t.Errorf("step %q prints credentials: %q", s.Name, leaks)
			}
		}
	}
}

func TestLoadModuleReadsTheConstructor(t *testing.T) {
	m := realModule(t)
	for flag, typ := range map[string]string{"region": "string", "aws-access-key-id": "*dagger.Secret", "aws-session-token": "*dagger.Secret"} {
		if p, ok := m.Constructor[flag]; !ok || p.Type != typ {
			t.Errorf("constructor --%s = %+v, want type %s", flag, p, typ)
		}
	}
	// The source belongs to the functions that read it: an app edit must not
	// re-run the constructor.
	if _, ok := m.Constructor["source"]; ok {
		t.Error("the constructor takes --source")
	}
	if _, ok := m.Functions["build"]; !ok {
		t.Errorf("functions %v lack build", m.FunctionNames())
	}
	for _, fn := range []string{"build", "tarball", "sbom", "serve", "test", "publish", "release", "synth", "diff", "deploy-infra"} {
		if p := m.Functions[fn].Params["source"]; p.Type != "*dagger.Directory" {
			t.Errorf("%s --source = %+v, want a *dagger.Directory", fn, p)
		}
	}
	if _, err := LoadModule(filepath.Join(moduleDir, "cienv"), "EcsBluegreen"); err == nil {
		t.Error("a directory without a constructor was accepted")
	}
}
