package cienv

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Buildspec is the part of a CodeBuild buildspec the checks read.
type Buildspec struct {
	// Version is the buildspec version (0.2).
	Version string `yaml:"version"`
	// Env holds the shell and plain variables.
	Env struct {
		// Shell runs the commands (bash).
		Shell string `yaml:"shell"`
		// Variables are plain environment variables.
		Variables map[string]string `yaml:"variables"`
	} `yaml:"env"`
	// Phases by name (install, pre_build, build, post_build).
	Phases map[string]struct {
		// Commands run in order in one shell.
		Commands []string `yaml:"commands"`
	} `yaml:"phases"`
	// Artifacts is what CodePipeline receives.
	Artifacts struct {
		// BaseDirectory is the directory the file patterns are relative to.
		BaseDirectory string `yaml:"base-directory"`
		// Files are the artifact paths.
		Files []string `yaml:"files"`
		// DiscardPaths flattens the files to the artifact root ("yes").
		DiscardPaths string `yaml:"discard-paths"`
	} `yaml:"artifacts"`
}

// Commands returns every command of every phase, in phase order.
func (b Buildspec) Commands() []string {
	var out []string
	for _, phase := range []string{"install", "pre_build", "build", "post_build"} {
		out = append(out, b.Phases[phase].Commands...)
	}
	return out
}

// Workflow is the part of a GitHub Actions workflow the checks read.
type Workflow struct {
	// Name of the workflow.
	Name string `yaml:"name"`
	// On holds the triggers.
	On map[string]yaml.Node `yaml:"on"`
	// Permissions of the GITHUB_TOKEN / OIDC token.
	Permissions map[string]string `yaml:"permissions"`
	// Concurrency serialises runs.
	Concurrency struct {
		// Group names the queue runs share.
		Group string `yaml:"group"`
		// CancelInProgress cancels a running run when a new one starts.
		CancelInProgress bool `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	// Env is the workflow-level environment.
	Env map[string]string `yaml:"env"`
	// Jobs by id.
	Jobs map[string]WorkflowJob `yaml:"jobs"`
}

// WorkflowJob is one job of a workflow.
type WorkflowJob struct {
	// If is the job's condition expression.
	If string `yaml:"if"`
	// Environment is the deployment environment the job runs in.
	Environment string `yaml:"environment"`
	// Env is the job-level environment.
	Env map[string]string `yaml:"env"`
	// Steps run in order.
	Steps []WorkflowStep `yaml:"steps"`
}

// WorkflowStep is one step of a job.
type WorkflowStep struct {
	// Name of the step.
	Name string `yaml:"name"`
	// Uses is the action reference (owner/repo@ref).
	Uses string `yaml:"uses"`
	// With holds the action inputs.
	With map[string]string `yaml:"with"`
	// Run is a shell script.
	Run string `yaml:"run"`
	// If is the step's condition expression.
	If string `yaml:"if"`
}

// LoadBuildspec decodes a buildspec strictly enough to catch misspelled keys
// in the parts it models.
func LoadBuildspec(path string) (Buildspec, error) {
	var b Buildspec
	return b, load(path, &b)
}

// LoadWorkflow decodes a workflow file.
func LoadWorkflow(path string) (Workflow, error) {
	var w Workflow
	return w, load(path, &w)
}

func load(path string, into any) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(src, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Step returns the first step of any job whose action is owner/repo (any ref).
func (w Workflow) Step(action string) (WorkflowStep, bool) {
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if ref, _, _ := strings.Cut(s.Uses, "@"); ref == action {
				return s, true
			}
		}
	}
	return WorkflowStep{}, false
}

// exactRef is an action pinned to an exact release (vX.Y.Z) or a commit.
var exactRef = regexp.MustCompile(`@(v\d+\.\d+\.\d+|[0-9a-f]{40})$`)

// commitPin is a `uses:` line pinned to a full commit with its release
// named in a comment: owner/repo@<40 hex> # vX.Y.Z.
var commitPin = regexp.MustCompile(`^\s*(-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+\.\d+\.\d+\s*$`)

// UnpinnedActions returns the `uses:` lines of a workflow file that are not
// pinned to a full commit with the release in a comment. A tag, even an
// exact one, can be moved to other code; a commit cannot.
func UnpinnedActions(workflow string) []string {
	var out []string
	for _, line := range strings.Split(workflow, "\n") {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if strings.HasPrefix(t, "uses:") && !commitPin.MatchString(line) {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// PinnedExactly reports whether an action reference names an exact release or
// commit rather than a moving major tag or branch.
func PinnedExactly(uses string) bool { return exactRef.MatchString(uses) }

// credentialVar matches the variables that hold AWS credentials.
const credentialVar = `\$\{?(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_ACCESS_KEY_ID|__ecsbg_doc)\b`

var leakPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(^|[\s;&|(])set\s+-[a-wyz]*x`),                                  // tracing prints every expanded command
	regexp.MustCompile(`(^|[\s;&|(])(printenv|env)\s*($|[;&|)])`),                       // dumps the environment
	regexp.MustCompile(`(^|[\s;&|(])(echo|printf)\b[^|;&]*` + credentialVar),            // prints a credential (unless piped onward)
	regexp.MustCompile(`--aws-(secret-access-key|session-token|access-key-id)[ =]"?\$`), // plaintext secret argument
	regexp.MustCompile(`\$\{\{\s*secrets\.`),                                            // secrets interpolated into a script
}

// pipedOn is a printf/echo of a credential whose output feeds a command.
var pipedOn = regexp.MustCompile(`(echo|printf)\b[^|]*` + credentialVar + `[^|]*\|\s*\w`)

// LeakyLines returns the lines of a script that would print, trace or pass in
// plain text an AWS credential. A printf piped into another command (jq) does
// not print and is allowed.
func LeakyLines(script string) []string {
	var out []string
	for _, line := range strings.Split(script, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		for i, p := range leakPatterns {
			if !p.MatchString(line) {
				continue
			}
			if i == 2 && pipedOn.MatchString(line) && !strings.Contains(line, "| tee") {
				continue // piped into a consumer, not printed
			}
			out = append(out, trimmed)
			break
		}
	}
	return out
}
