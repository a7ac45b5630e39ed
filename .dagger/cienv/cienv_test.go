package cienv

import (
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	got, err := Words("./bin/dagger --progress plain call \\\n  --region \"$AWS_REGION\" --x 'a b' c\\ d \"q\\\"x\"")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"./bin/dagger", "--progress", "plain", "call", "--region", "$AWS_REGION", "--x", "a b", "c d", `q"x`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Words = %q\nwant    %q", got, want)
	}
	if _, err := Words(`echo "open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"awsAccessKeyID": "aws-access-key-id", "goImage": "go-image", "DeployInfra": "deploy-infra",
		"stack": "stack", "AWSRegion": "aws-region", "registryURL": "registry-url", "nodeImage2": "node-image2",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

// testModule mirrors the shape of the real module for parser tests.
var testModule = Module{
	Constructor: params("region:string", "aws-access-key-id:*dagger.Secret", "aws-endpoint:string"),
	Functions: map[string]Function{
		"release": {Name: "release", Returns: "*dagger.Directory", Params: params("stack:string", "deploy:bool", "tag:string")},
		"build":   {Name: "build", Returns: "*dagger.Container", Params: params("platform:string")},
	},
}

func TestParseCall(t *testing.T) {
	w, _ := Words(`dagger --progress plain call --region eu-west-1 --aws-access-key-id env:AK release --deploy --stack s export --path dist`)
	c, err := ParseCall(w, testModule)
	if err != nil {
		t.Fatal(err)
	}
	if c.Global["progress"] != "plain" || c.Constructor["region"] != "eu-west-1" || len(c.Chain) != 2 {
		t.Fatalf("parsed %+v", c)
	}
	if c.Chain[0].Flags["deploy"] != "true" || c.Chain[0].Flags["stack"] != "s" || c.Chain[1].Name != "export" || c.Chain[1].Flags["path"] != "dist" {
		t.Fatalf("chain %+v", c.Chain)
	}
	bad := map[string]string{
		"dagger call relase --stack s":                           `function "relase" does not exist`,
		"dagger call --regoin x release":                         "--regoin is not an argument of the module constructor",
		"dagger call release --stak s":                           "--stak is not an argument of function release",
		"dagger call --aws-access-key-id AKIAPLAIN release":      "must reference a variable",
		"dagger call release --stack s publish --address x":      `"publish" cannot be chained after a step returning *dagger.Directory`,
		"dagger call build --platform linux/amd64 export --path": "needs a value",
		"dagger functions":                                       "is not call",
		"aws s3 ls":                                              "no dagger command",
	}
	for line, want := range bad {
		w, _ := Words(line)
		if _, err := ParseCall(w, testModule); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCall(%q) = %v, want an error containing %q", line, err, want)
		}
	}
}

func TestLeakyLines(t *testing.T) {
	leaky := []string{
		"set -x",
		"set -euxo pipefail",
		"echo $AWS_SECRET_ACCESS_KEY",
		`printf 'token=%s\n' "${AWS_SESSION_TOKEN}"`,
		"env",
		"printenv | sort",
		`dagger call --aws-secret-access-key "$AWS_SECRET_ACCESS_KEY" release`,
		`aws configure set aws_secret_access_key ${{ secrets.KEY }}`,
		`echo "$AWS_ACCESS_KEY_ID" | tee key.txt`,
	}
	for _, l := range leaky {
		if got := LeakyLines(l); len(got) != 1 {
			t.Errorf("LeakyLines(%q) = %q, want it flagged", l, got)
		}
	}
	clean := []string{
		"set +x",
		"set -euo pipefail",
		`AWS_ACCESS_KEY_ID="$(printf '%s' "$__ecsbg_doc" | jq -er '.AccessKeyId')"`,
		"--aws-secret-access-key env:AWS_SECRET_ACCESS_KEY",
		"# set -x is never used here",
		"echo done",
		"unset AWS_SECRET_ACCESS_KEY",
	}
	for _, l := range clean {
		if got := LeakyLines(l); len(got) != 0 {
			t.Errorf("LeakyLines(%q) = %q, want it clean", l, got)
		}
	}
}

func TestPinnedExactly(t *testing.T) {
	for uses, want := range map[string]bool{
		"dagger/dagger-for-github@v8.2.0":                           true,
		"aws-actions/configure-aws-credentials@v4":                  false,
		"aws-actions/configure-aws-credentials@main":                false,
		"actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683": true,
		"aws-actions/configure-aws-credentials@v4.2":                false,
		"aws-actions/configure-aws-credentials@v4.2.1":              true,
		"aws-actions/configure-aws-credentials":                     false,
	} {
		if got := PinnedExactly(uses); got != want {
			t.Errorf("PinnedExactly(%q) = %v, want %v", uses, got, want)
		}
	}
}
