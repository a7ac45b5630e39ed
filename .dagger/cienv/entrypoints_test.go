package cienv

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	pinnedDagger  = "0.21.8"
	moduleDir     = ".."
	buildspecPath = "../../buildspec/buildspec.yml"
	workflowPath  = "../../.github/workflows/release.yml"
	// ciWorkflowPath is the test workflow the release follows.
	ciWorkflowPath = "../../.github/workflows/ci.yml"
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
	// Releases wait for the tests of the same commit: no push trigger of
	// their own, only a completed ci run on main (or a manual run).
	if _, ok := w.On["push"]; ok {
		t.Error("the release runs on push: it must wait for the ci workflow of that commit")
	}
	if _, ok := w.On["workflow_dispatch"]; !ok {
		t.Error("no workflow_dispatch trigger")
	}
	var run struct {
		Workflows []string `yaml:"workflows"`
		Types     []string `yaml:"types"`
		Branches  []string `yaml:"branches"`
	}
	node, ok := w.On["workflow_run"]
	if !ok {
		t.Fatal("no workflow_run trigger: the release must follow the ci workflow")
	}
	if err := node.Decode(&run); err != nil || !slices.Equal(run.Workflows, []string{"ci"}) ||
		!slices.Equal(run.Types, []string{"completed"}) || !slices.Equal(run.Branches, []string{"main"}) {
		t.Errorf("workflow_run = %+v (%v), want workflows [ci], types [completed], branches [main]", run, err)
	}
	ci, err := LoadWorkflow(ciWorkflowPath)
	if err != nil || ci.Name != "ci" {
		t.Errorf("the workflow the release follows is named %q (%v), want ci", ci.Name, err)
	}
	if w.Permissions["id-token"] != "write" || w.Permissions["contents"] != "read" || len(w.Permissions) != 2 {
		t.Errorf("permissions = %v, want exactly id-token: write, contents: read", w.Permissions)
	}
	if w.Concurrency.Group == "" || w.Concurrency.CancelInProgress {
		t.Errorf("concurrency = %+v: releases must queue, never overlap or be cancelled mid-deployment", w.Concurrency)
	}

	job, ok := w.Jobs["release"]
	if !ok {
		t.Fatal("no release job")
	}
	if job.Environment != "production" {
		t.Errorf("environment = %q: the job must run in the production environment, which the role's trust names", job.Environment)
	}
	for _, cond := range []string{
		"vars.RELEASE_FROM == 'github-actions'",             // one release path per service
		"github.event.workflow_run.conclusion == 'success'", // only tested commits
		"github.event.workflow_run.event == 'push'",         // never a pull request's run
		"github.ref == 'refs/heads/main'",                   // manual runs only on main
		"head_repository.full_name == github.repository",    // never a fork's
	} {
		if !strings.Contains(job.If, cond) {
			t.Errorf("job condition lacks %q:\n%s", cond, job.If)
		}
	}
	if job.Env["RELEASE_SHA"] != "${{ github.event.workflow_run.head_sha || github.sha }}" {
		t.Errorf("RELEASE_SHA = %q: release the commit ci tested", job.Env["RELEASE_SHA"])
	}

	// The Dagger CLI is installed, verified, before any credential exists.
	install, creds := -1, -1
	for i, s := range job.Steps {
		ref, _, _ := strings.Cut(s.Uses, "@")
		switch ref {
		case "aws-actions/configure-aws-credentials":
			creds = i
			if s.With["role-to-assume"] == "" || s.With["aws-access-key-id"] != "" {
				t.Errorf("credentials step with %v: want OIDC role-to-assume, no static keys", s.With)
			}
		case "dagger/dagger-for-github":
			t.Errorf("step %q runs the Dagger action, which installs the CLI by piping a script into sh", s.Name)
		case "actions/checkout":
			if s.With["ref"] != "${{ env.RELEASE_SHA }}" {
				t.Errorf("checkout ref = %q, want the commit ci tested", s.With["ref"])
			}
		}
		if strings.Contains(s.Run, "bash buildspec/install-dagger.sh") {
			install = i
		}
		for _, pipe := range []string{"| sh", "| bash", "|sh", "|bash"} {
			if strings.Contains(s.Run, pipe) {
				t.Errorf("step %q pipes a download into a shell (%q)", s.Name, pipe)
			}
		}
		if leaks := LeakyLines(s.Run + "\n" + s.With["args"]); len(leaks) > 0 {
			t.Errorf("step %q prints credentials: %q", s.Name, leaks)
		}
	}
	calls, failureCalls := workflowCalls(t, job)
	if install < 0 || creds < 0 || install > creds {
		t.Errorf("install step %d, credentials step %d: the verified install must come first", install, creds)
	}
	// One release call per way of signing, of which exactly one runs.
	byCondition := map[string]Call{}
	for _, c := range calls {
		byCondition[c.If] = c.Call
	}
	kms, okKMS := byCondition["vars.PROVENANCE_SIGNING != 'keyless'"]
	keyless, okKeyless := byCondition["vars.PROVENANCE_SIGNING == 'keyless'"]
	if len(calls) != 2 || !okKMS || !okKeyless {
		t.Fatalf("want two release calls, one with if: vars.PROVENANCE_SIGNING != 'keyless' and one with == 'keyless', found %+v", calls)
	}
	for _, c := range []Call{kms, keyless} {
		checkReleaseCall(t, c, "$RELEASE_SHA")
		if c.Chain[0].Flags["deploy"] != "true" {
			t.Error("the workflow must run release --deploy")
		}
	}
	if f := kms.Chain[0].Flags; f["signing-key"] != "$SIGNING_KEY" || f["github-oidc-url"] != "" || f["github-oidc-token"] != "" {
		t.Errorf("the KMS release signs with %v: want --signing-key $SIGNING_KEY and no keyless flags", f)
	}
	if f := keyless.Chain[0].Flags; f["github-oidc-url"] != "env:ACTIONS_ID_TOKEN_REQUEST_URL" ||
		f["github-oidc-token"] != "env:ACTIONS_ID_TOKEN_REQUEST_TOKEN" || f["cosign-tags"] != "true" {
		t.Errorf("the keyless release passes %v: want --github-oidc-url env:ACTIONS_ID_TOKEN_REQUEST_URL "+
			"--github-oidc-token env:ACTIONS_ID_TOKEN_REQUEST_TOKEN --cosign-tags", f)
	} else if _, ok := f["signing-key"]; ok {
		t.Error("the keyless release also passes --signing-key")
	}
	// A failed release exports nothing; the deployment's state is kept.
	if len(failureCalls) != 1 || failureCalls[0].Chain[0].Name != "status" {
		t.Errorf("on failure the workflow must record `status`, got %+v", failureCalls)
	}
	upload, ok := w.Step("actions/upload-artifact")
	if !ok || upload.If != "always()" || upload.With["path"] != "dist/" {
		t.Errorf("upload step %+v: dist/ must be kept whatever happened", upload)
	}
}

// stepCall is a dagger call of a workflow step, with the step's condition.
type stepCall struct {
	Call
	If string
}

// workflowCalls parses the dagger calls of a job's run steps: those that run
// while all is well, and those of steps that run only after a failure.
func workflowCalls(t *testing.T, job WorkflowJob) (calls []stepCall, onFailure []Call) {
	t.Helper()
	for _, s := range job.Steps {
		for _, line := range daggerCallLines(s.Run) {
			words, err := commandWords(line)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ParseCall(words, realModule(t))
			if err != nil {
				t.Fatalf("workflow call %q: %v", line, err)
			}
			if s.If == "failure()" {
				onFailure = append(onFailure, c)
			} else {
				calls = append(calls, stepCall{Call: c, If: s.If})
			}
		}
	}
	return calls, onFailure
}

func TestWorkflowActionsArePinnedToCommits(t *testing.T) {
	for _, path := range []string{workflowPath, ciWorkflowPath} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "uses:"); n == 0 {
			t.Fatalf("%s uses no actions; the check would pass on nothing", path)
		}
		for _, line := range UnpinnedActions(string(b)) {
			t.Errorf("%s: %s — pin a full commit and name its release in a comment", filepath.Base(path), line)
		}
	}
	if got := UnpinnedActions("    - uses: actions/checkout@v4.2.2\n      uses: a/b@11bd71901bbe5b1630ceea73d27597364c9af683\n"); len(got) != 2 {
		t.Errorf("UnpinnedActions = %q: a tag and a commit without its release comment are both unpinned", got)
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

// The ci workflow's build job checks the pinned builder image against its
// registry (scripts/builder-image --check) before the first Dagger call, so
// a pin that no longer resolves, or names another Go release than its tag,
// fails CI before anything is built with it.
func TestCIChecksThePinnedBuilderBeforeBuilding(t *testing.T) {
	ci, err := LoadWorkflow(ciWorkflowPath)
	if err != nil {
		t.Fatal(err)
	}
	job, ok := ci.Jobs["build"]
	if !ok {
		t.Fatal("ci has no build job")
	}
	check, dagger := -1, -1
	for i, s := range job.Steps {
		if check < 0 && strings.Contains(s.Run, "scripts/builder-image --check") {
			check = i
		}
		if dagger < 0 && strings.Contains(s.Run, "dagger ") && strings.Contains(s.Run, " call ") {
			dagger = i
		}
	}
	if check < 0 || dagger < 0 || check > dagger {
		t.Errorf("build job: builder check at step %d, first dagger call at step %d; want the check first", check, dagger)
	}
}
