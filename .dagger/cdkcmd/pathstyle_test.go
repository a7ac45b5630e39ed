package cdkcmd

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"dagger/ecs-bluegreen/internal/moto"
)

// standInHost is the name a stand-in service gets inside the engine's
// containers (see the module's endpoint services): it resolves, but names
// under it (<bucket>.aws-localhost) do not.
const standInHost = "aws-localhost"

// resolverShim makes Node resolve standInHost to the loopback address and
// refuse every name below it, as the engine's DNS does for a service alias.
const resolverShim = `
const dns = require('dns');
const host = process.env.TEST_STANDIN_HOST;
const original = dns.lookup;
dns.lookup = function (name, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (typeof options === 'number') { options = { family: options }; }
  if (name === host) {
    if (options && options.all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(callback, null, '127.0.0.1', 4);
  }
  if (name.endsWith('.' + host)) {
    const err = new Error('getaddrinfo ENOTFOUND ' + name);
    err.code = 'ENOTFOUND'; err.hostname = name;
    return process.nextTick(callback, err);
  }
  return original.call(this, name, options, callback);
};
`

// TestDeployThroughAServiceHostName bootstraps and deploys a stack with the
// endpoint given as a host name that is not a loopback name, as the module
// does when the stand-in is a Dagger service. S3 clients address buckets as
// sub-domains of a host-name endpoint unless told otherwise, and those
// sub-domains resolve nowhere: asset publishing must use path-style URLs.
func TestDeployThroughAServiceHostName(t *testing.T) {
	infra, cdk := cdkApp(t)
	srv := moto.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	work := t.TempDir()
	shim := filepath.Join(work, "resolver.js")
	if err := os.WriteFile(shim, []byte(resolverShim), 0o644); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + standInHost + ":" + u.Port()
	withShim := func(c Command) Command {
		c.Env = append(c.Env, EnvVar{"NODE_OPTIONS", "--require " + shim}, EnvVar{"TEST_STANDIN_HOST", standInHost})
		return c
	}

	assembly := filepath.Join(work, "cdk.out")
	run(ctx, t, infra, true, mustBuild(t, Options{
		Command: Synth, Executable: cdk, Output: assembly, Quiet: true, Region: moto.Region, Endpoint: srv.URL,
	}))
	run(ctx, t, work, true, withShim(mustBuild(t, Options{
		Command: Bootstrap, Executable: cdk, App: assembly, Region: moto.Region, Endpoint: endpoint,
	})))
	stack := appName + "-ecr"
	out := run(ctx, t, work, true, withShim(mustBuild(t, Options{
		Command: Deploy, Executable: cdk, Stacks: []string{stack}, App: assembly, ApproveAll: true,
		OutputsFile: filepath.Join(work, "outputs.json"), Method: MethodDirect, Region: moto.Region, Endpoint: endpoint,
	})))
	if strings.Contains(out, "ENOTFOUND") {
		t.Fatalf("the CLI tried a bucket sub-domain of %s:\n%s", standInHost, out)
	}
	st, err := cloudformation.NewFromConfig(motoConfig(srv)).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil || len(st.Stacks) != 1 || st.Stacks[0].StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("stack %s after deploy: %+v, %v", stack, st, err)
	}
}

func TestEndpointForcesPathStyle(t *testing.T) {
	with := mustBuild(t, Options{Command: Deploy, Stacks: []string{"a"}, App: "cdk.out", Region: "us-east-1", Endpoint: "http://aws-localhost:4566"})
	if v, ok := with.Lookup("CDK_S3_FORCE_PATH_STYLE"); !ok || v == "" {
		t.Errorf("env %v: an endpoint must force path-style S3 addressing", with.Env)
	}
	without := mustBuild(t, Options{Command: Deploy, Stacks: []string{"a"}, App: "cdk.out", Region: "us-east-1"})
	if _, ok := without.Lookup("CDK_S3_FORCE_PATH_STYLE"); ok {
		t.Errorf("env %v: real AWS keeps the SDK's own addressing", without.Env)
	}
}
