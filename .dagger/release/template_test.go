package release

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/stackout"
)

// rollbackMarks are the tags a rollback's copy carries, with a release id
// of its own: none may reach a release derived from it.
var rollbackMarks = []ecstypes.Tag{
	{Key: aws.String(deploy.ReleaseTagKey), Value: aws.String("r-20261130T110000Z-00000000")},
	{Key: aws.String(deploy.RollbackOfTagKey), Value: aws.String("arn:aws:ecs:us-east-1:" + moto.Account + ":task-definition/webapp:2")},
	{Key: aws.String(deploy.RestoresTagKey), Value: aws.String("arn:aws:ecs:us-east-1:" + moto.Account + ":task-definition/webapp:1")},
}

// registerTemplate registers what a CDK change of the task definition
// leaves behind: a revision of the running one's family with memory 2048,
// an environment variable FOO, a sidecar, and the given extra tags.
func registerTemplate(t *testing.T, api *ecs.Client, from string, extra ...ecstypes.Tag) string {
	t.Helper()
	ctx := context.Background()
	cur, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(from), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	in := bundle.RegisterFromDescribed(cur.TaskDefinition, append(cur.Tags, extra...))
	in.Memory = aws.String("2048")
	app := in.ContainerDefinitions[0]
	app.Environment = append(app.Environment, ecstypes.KeyValuePair{Name: aws.String("FOO"), Value: aws.String("bar")})
	in.ContainerDefinitions = []ecstypes.ContainerDefinition{app, {
		Name: aws.String("log-router"), Image: aws.String("public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0@sha256:2222222222222222222222222222222222222222222222222222222222222222"), Essential: aws.Bool(false),
	}}
	out, err := api.RegisterTaskDefinition(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// templateStack deploys a copy of the webapp-service outputs whose
// TaskDefinitionArn is template, as deploy-infra leaves it after a CDK change
// of the task definition (the service keeps running what it ran).
func templateStack(t *testing.T, w *world, template string) string {
	t.Helper()
	outputs, err := stackout.Outputs(context.Background(), w.cfg, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	outputs[stackout.KeyTaskDefinitionArn] = template
	moto.CreateOutputsStack(t, w.cfg, "webapp-next", outputs)
	return "webapp-next"
}

func describeTagged(t *testing.T, api *ecs.Client, arn string) (*ecstypes.TaskDefinition, map[string]string) {
	t.Helper()
	out, err := api.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tg := range out.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return out.TaskDefinition, tags
}

func container(td *ecstypes.TaskDefinition, name string) *ecstypes.ContainerDefinition {
	for i := range td.ContainerDefinitions {
		if aws.ToString(td.ContainerDefinitions[i].Name) == name {
			return &td.ContainerDefinitions[i]
		}
	}
	return nil
}

// assertNoInheritedMarks fails when a release's revision carries any of the
// module's marks other than its own release id.
func assertNoInheritedMarks(t *testing.T, tags map[string]string, releaseID string) {
	t.Helper()
	for k, v := range tags {
		if deploy.IsModuleTag(k) && !(k == deploy.ReleaseTagKey && v == releaseID) {
			t.Errorf("the release carries the mark %s=%s", k, v)
		}
	}
	if tags[deploy.ReleaseTagKey] != releaseID {
		t.Errorf("release id tag = %q, want %q", tags[deploy.ReleaseTagKey], releaseID)
	}
}

// TestDeployStartsFromTheTemplateOfRecord (codedeploy mode): the stack
// registered a revision with more memory, an environment variable and a
// sidecar while the service still runs the first one; the release registers
// the template's shape with the new image, after printing both changes.
func TestDeployStartsFromTheTemplateOfRecord(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	running := runningTaskDefinition(t, w)
	template := registerTemplate(t, w.ecs, running, rollbackMarks...)
	p, err := Load(ctx, w.cfg, w.ecs, templateStack(t, w, template))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(p.TaskDefinition.TaskDefinitionArn) != template || aws.ToString(p.Running.TaskDefinitionArn) != running {
		t.Fatalf("template %s, running %s", aws.ToString(p.TaskDefinition.TaskDefinitionArn), aws.ToString(p.Running.TaskDefinitionArn))
	}
	var printed strings.Builder
	const id = "r-20261205T040000Z-0a1b2c3d"
	out, err := p.Deploy(ctx, w.ecs, w.cd, DeployRequest{
		Options: Options{Mode: bundle.ModeDirect, Now: time.Unix(0, 0).UTC()}, ImageURI: imageURI, NoWait: true, ReleaseID: id, DiffOut: &printed,
	})
	if err != nil {
		t.Fatal(err)
	}
	td, tags := describeTagged(t, w.ecs, out.TaskDefinitionArn)
	if aws.ToString(td.Memory) != "2048" || aws.ToString(td.Cpu) != "512" {
		t.Errorf("registered cpu %s memory %s, want the template's 512 and 2048", aws.ToString(td.Cpu), aws.ToString(td.Memory))
	}
	app := container(td, "webapp")
	if app == nil || aws.ToString(app.Image) != imageURI || len(app.Environment) != 1 || aws.ToString(app.Environment[0].Name) != "FOO" {
		t.Fatalf("registered app container = %+v", app)
	}
	if container(td, "log-router") == nil {
		t.Error("the template's sidecar is missing")
	}
	assertNoInheritedMarks(t, tags, id)
	if tags["app"] != "webapp" {
		t.Errorf("the template's own tag is lost: %v", tags)
	}
	diff := printed.String()
	for _, want := range []string{
		"release of the template of record webapp:2; what changes from webapp:1, which runs now:",
		"  memory: 1024 → 2048\n",
		"  container webapp: image: " + moto.Account + ".dkr.ecr.us-east-1.amazonaws.com/webapp:first → " + imageURI + "\n",
		"  container webapp: env FOO: added\n",
		"  container log-router: added (image public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0@sha256:2222222222222222222222222222222222222222222222222222222222222222)\n",
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("the printed diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "bar") || strings.Contains(diff, "ecs-bluegreen:") {
		t.Errorf("the printed diff shows an environment value or a module mark:\n%s", diff)
	}
}

// TestPipelineArtifactsStartFromTheTemplateOfRecord: taskdef.json for the
// pipeline is the template's shape, not the running revision's.
func TestPipelineArtifactsStartFromTheTemplateOfRecord(t *testing.T) {
	w := newWorld(t, "codedeploy")
	running := runningTaskDefinition(t, w)
	template := registerTemplate(t, w.ecs, running, rollbackMarks...)
	p, err := Load(context.Background(), w.cfg, w.ecs, templateStack(t, w, template))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Mode: bundle.ModePipeline, Now: time.Unix(0, 0).UTC()}
	if _, err := p.Preflight(opts, imageURI); err != nil {
		t.Fatal(err)
	}
	files, err := p.Artifacts(opts, imageURI)
	if err != nil {
		t.Fatal(err)
	}
	var td struct {
		Memory               string
		ContainerDefinitions []struct{ Name, Image string }
		Tags                 []struct{ Key, Value string }
	}
	if err := json.Unmarshal(files[bundle.FileTaskDef], &td); err != nil {
		t.Fatal(err)
	}
	if td.Memory != "2048" || len(td.ContainerDefinitions) != 2 || td.ContainerDefinitions[0].Image != bundle.ImagePlaceholder {
		t.Errorf("taskdef.json is not the template with the placeholder:\n%s", files[bundle.FileTaskDef])
	}
	for _, tg := range td.Tags {
		if deploy.IsModuleTag(tg.Key) {
			t.Errorf("taskdef.json carries the mark %s=%s", tg.Key, tg.Value)
		}
	}
	d, err := p.Diff(opts, imageURI)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Changes.Find("memory"); !ok || d.ConfigurationOnly || d.ViaECSAction {
		t.Errorf("diff = %+v", d)
	}
	if _, ok := d.Changes.Find("container webapp: image"); !ok {
		t.Errorf("the diff does not name the image:\n%s", d)
	}
}

// TestTheValidatorChecksTheTemplatesRelease: a template the release cannot
// use (no mapping of the service's port) is refused before anything is
// registered, naming the port.
func TestTheValidatorChecksTheTemplatesRelease(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	cur, err := w.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(runningTaskDefinition(t, w))})
	if err != nil {
		t.Fatal(err)
	}
	in := bundle.RegisterFromDescribed(cur.TaskDefinition, nil)
	in.ContainerDefinitions[0].PortMappings = []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080), Protocol: ecstypes.TransportProtocolTcp}}
	reg, err := w.ecs.RegisterTaskDefinition(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(ctx, w.cfg, w.ecs, templateStack(t, w, aws.ToString(reg.TaskDefinition.TaskDefinitionArn)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Preflight(Options{Mode: bundle.ModeDirect}, imageURI); err == nil || !strings.Contains(err.Error(), "3000") {
		t.Fatalf("preflight of a template without port 3000: %v", err)
	}
	if _, err := p.Deploy(ctx, w.ecs, w.cd, DeployRequest{Options: Options{Mode: bundle.ModeDirect}, ImageURI: imageURI, NoWait: true}); err == nil {
		t.Fatal("deployed a template without the service's port")
	}
	list, err := w.ecs.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("webapp")})
	if err != nil || len(list.TaskDefinitionArns) != 2 {
		t.Fatalf("a refused release registered something: %v (%v)", list.TaskDefinitionArns, err)
	}
}

// TestLoadNamesAMissingTemplate: a TaskDefinitionArn output naming no
// revision is refused, naming it and what to run.
func TestLoadNamesAMissingTemplate(t *testing.T) {
	w := newWorld(t, "codedeploy")
	missing := "arn:aws:ecs:us-east-1:" + moto.Account + ":task-definition/webapp:99"
	_, err := Load(context.Background(), w.cfg, w.ecs, templateStack(t, w, missing))
	for _, want := range []string{missing, "template of record", "TaskDefinitionArn", "webapp-next", "deploy-infra"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func runningTaskDefinition(t *testing.T, w *world) string {
	t.Helper()
	out, err := w.ecs.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("webapp"), Services: []string{"webapp"}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describing the service: %v", err)
	}
	return aws.ToString(out.Services[0].TaskDefinition)
}
