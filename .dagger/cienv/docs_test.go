package cienv

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// documentation is every Markdown file a user reads for `dagger call` lines.
var documentation = []string{"../../README.md", "../../infra/README.md"}

func TestDocumentedCallsMatchTheModule(t *testing.T) {
	m := realModule(t)
	total := 0
	for _, path := range documentation {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		calls := DocumentedCalls(string(b))
		total += len(calls)
		for _, c := range calls {
			if err := CheckDocumented(c.Text, m); err != nil {
				t.Errorf("%s:%d: %s\n\t%s", filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), c.Line, err, strings.TrimSpace(c.Text))
			}
		}
	}
	// The README shows dozens of calls; finding only a few means the
	// extraction broke, not that the docs are right.
	if total < 30 {
		t.Fatalf("found %d documented calls, want the README's dozens", total)
	}
}

func TestDocumentedCallsAreFoundInBlocksAndProse(t *testing.T) {
	md := "Intro `dagger call build --platform linux/arm64` here.\n" +
		"```sh\n" +
		"dagger call $AWS deploy-infra --approve \\\n" +
		"  --stacks a,b   # two stacks\n" +
		"echo not a call\n" +
		"./bin/dagger --progress plain call build\n" +
		"```\n" +
		"```mermaid\n" +
		"a[\"dagger call build\"] --> b\n" +
		"```\n" +
		"`dagger functions` is not a call.\n"
	calls := DocumentedCalls(md)
	if len(calls) != 3 {
		t.Fatalf("calls = %+v, want the span, the joined block line and the call with CLI flags", calls)
	}
	if calls[0].Line != 1 || calls[1].Line != 3 || !strings.Contains(calls[1].Text, "--stacks a,b") {
		t.Errorf("calls = %+v", calls)
	}
}

func TestCheckDocumentedCatchesWhatTheModuleLacks(t *testing.T) {
	m := Module{
		Constructor: params("region:string"),
		Functions: map[string]Function{
			"build":        {Name: "build", Returns: "*dagger.Container", Params: params("platform:string", "source:*dagger.Directory")},
			"deploy-infra": {Name: "deploy-infra", Returns: "string", Params: params("approve:bool", "stacks:[]string", "dry-run:bool")},
			"release":      {Name: "release", Returns: "*dagger.Directory", Params: params("version:string", "deploy:bool")},
		},
	}
	for _, ok := range []string{
		"dagger call build --platform linux/arm64 as-service up --ports 3000:3000",
		"dagger call $AWS deploy-infra --approve --stacks a,b   # comment --nope",
		"dagger call --region eu-west-1 … release --version $(git rev-parse --short HEAD) --deploy export --path dist --wipe",
		"dagger -m github.com/o/r@v1 call release --version v1 | tee out",
		"dagger call -m ./mod release --version v1",
		"dagger call release … export --path dist",
		`V=$(scripts/source-version) && dagger call $AWS release --version "$V" --deploy export --path dist --wipe`,
	} {
		if err := CheckDocumented(ok, m); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"dagger call deploy --stacks a":                    `function "deploy" does not exist`,
		"dagger call deploy-infra --dryrun":                "flag --dryrun is not an argument of function deploy-infra",
		"dagger call --regio x build":                      "flag --regio is not an argument of the module constructor",
		"dagger call release --version v1 publish --x y":   `"publish" cannot be chained after a step returning *dagger.Directory`,
		"dagger call build as-service up --port 3000:3000": "flag --port is not an argument of function up",
	} {
		err := CheckDocumented(bad, m)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", bad, err, want)
		}
	}
}

// The Dagger CLI builds --help with pflag, which takes the first back-quoted
// word of an argument's description as the name of its value: a doc saying
// "use `tarball`" shows the flag as `--platform tarball`.
func TestArgumentDocsHaveNoBackQuotes(t *testing.T) {
	m := realModule(t)
	var bad []string
	check := func(owner string, ps map[string]Param) {
		for flag, p := range ps {
			if p.Doc == "" {
				bad = append(bad, owner+" --"+flag+": no doc comment")
			}
			if strings.Contains(p.Doc, "`") {
				bad = append(bad, owner+" --"+flag+": "+p.Doc)
			}
		}
	}
	check("constructor", m.Constructor)
	for name, fn := range m.Functions {
		check(name, fn.Params)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}
