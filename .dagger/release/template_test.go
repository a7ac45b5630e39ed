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
	"dagger/ecs-bluegreen/internal/ecsfake"
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

// nativeTemplateWorld is the ECS stand-in with a service running the
// revision registered for image, and a plan whose template of record is
// registered by shape (nil: the running revision is the template).
func nativeTemplateWorld(t *testing.T, image string, shape func(*ecsfake.Env, string) string) (*ecsfake.Env, *Plan, string) {
	t.Helper()
	e := ecsfake.NewEnv(t)
	tag, _, _ := strings.Cut(strings.TrimPrefix(image, "registry.example/webapp:"), "@")
	running := e.V1
	if image != "" {
		running = e.Register(t, tag+strings.TrimPrefix(image, "registry.example/webapp:"+tag))
	}
	in := e.ServiceInput(canary())
	in.TaskDefinition = aws.String(running)
	if _, err := e.ECS.CreateService(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	template := running
	if shape != nil {
		template = shape(e, running)
	}
	target := stackout.ReleaseTarget{
		Stack: "webapp-service", ClusterName: e.Cluster, ServiceName: e.Service, TaskFamily: "webapp",
		TaskDefinitionArn: template, ContainerName: "webapp", ContainerPort: 3000, DeploymentMode: stackout.ModeECS,
		ProductionUrl: "http://prod.example", TestUrl: "http://prod.example:8080",
	}
	plan, err := LoadTarget(context.Background(), e.ECS, target)
	if err != nil {
		t.Fatalf("LoadTarget: %v", err)
	}
	return e, plan, running
}

// TestDeployNativeStartsFromTheTemplateOfRecord (ecs mode): the service
// deployment runs the template's shape with the release's image.
func TestDeployNativeStartsFromTheTemplateOfRecord(t *testing.T) {
	e, plan, _ := nativeTemplateWorld(t, "", func(e *ecsfake.Env, running string) string {
		return registerTemplate(t, e.ECS, running)
	})
	var printed, progress strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &progress, 0)
	req.DiffOut = &printed
	res, err := plan.DeployNative(context.Background(), e.ECS, req)
	if err != nil {
		t.Fatalf("DeployNative: %v\n%s", err, progress.String())
	}
	if got := aws.ToString(e.DescribeService(t).TaskDefinition); got != res.TaskDefinitionArn {
		t.Fatalf("service runs %s, the release registered %s", got, res.TaskDefinitionArn)
	}
	td, tags := describeTagged(t, e.ECS, res.TaskDefinitionArn)
	if aws.ToString(td.Memory) != "2048" || aws.ToString(container(td, "webapp").Image) != nativeImage || container(td, "log-router") == nil {
		t.Errorf("registered memory %s, containers %+v", aws.ToString(td.Memory), td.ContainerDefinitions)
	}
	assertNoInheritedMarks(t, tags, req.ReleaseID)
	for _, want := range []string{"memory: 512 → 2048", "container webapp: image: registry.example/webapp:v1 → " + nativeImage, "container webapp: env FOO: added"} {
		if !strings.Contains(printed.String(), want) {
			t.Errorf("the printed diff lacks %q:\n%s", want, printed.String())
		}
	}
	if !strings.Contains(string(res.Files[bundle.FileTaskDef]), `"2048"`) {
		t.Errorf("taskdef.json is not the template's:\n%s", res.Files[bundle.FileTaskDef])
	}
}

// TestConfigurationOnlyRelease: --image of the running digest rolls out the
// template's configuration alone, and says so.
func TestConfigurationOnlyRelease(t *testing.T) {
	e, plan, running := nativeTemplateWorld(t, nativeImage, func(e *ecsfake.Env, running string) string {
		return registerTemplate(t, e.ECS, running)
	})
	var printed, progress strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &progress, 0)
	req.DiffOut = &printed
	// The same digest spelled without the tag is still the running image.
	req.ImageURI = "registry.example/webapp@" + digest
	res, err := plan.DeployNative(context.Background(), e.ECS, req)
	if err != nil {
		t.Fatalf("DeployNative: %v\n%s", err, progress.String())
	}
	if res.TaskDefinitionArn == running {
		t.Fatal("no new revision was registered")
	}
	td, _ := describeTagged(t, e.ECS, res.TaskDefinitionArn)
	if aws.ToString(td.Memory) != "2048" || aws.ToString(container(td, "webapp").Image) != req.ImageURI {
		t.Errorf("registered memory %s image %s", aws.ToString(td.Memory), aws.ToString(container(td, "webapp").Image))
	}
	got := printed.String()
	if !strings.HasPrefix(got, "configuration-only release: the image stays "+req.ImageURI) || !strings.Contains(got, "memory: 512 → 2048") {
		t.Errorf("printed:\n%s", got)
	}
	if strings.Contains(got, "container webapp: image") {
		t.Errorf("a configuration-only release lists an image change:\n%s", got)
	}
}

// TestReleaseWithNothingToChangeSaysSo: the running image on the running
// shape is a redeployment of the same, and the printed text says that.
func TestReleaseWithNothingToChangeSaysSo(t *testing.T) {
	_, plan, _ := nativeTemplateWorld(t, nativeImage, nil)
	d, err := plan.Diff(Options{Mode: bundle.ModeDirect}, nativeImage)
	if err != nil {
		t.Fatal(err)
	}
	if !d.ConfigurationOnly || len(d.Changes) != 0 || !strings.HasPrefix(d.String(), "configuration-only release with nothing to change") {
		t.Fatalf("diff = %+v\n%s", d, d)
	}
	d, err = plan.Diff(Options{Mode: bundle.ModeDirect}, "registry.example/webapp:v4@sha256:"+strings.Repeat("2", 64))
	if err != nil {
		t.Fatal(err)
	}
	if d.ConfigurationOnly || len(d.Changes) != 1 || !strings.HasPrefix(d.String(), "release of the template of record webapp:3, which runs now; what changes:\n  container webapp: image: ") {
		t.Fatalf("an image-only release:\n%s", d)
	}
}

// TestECSPipelineSaysTheTemplateDoesNotReachProduction: CodePipeline's ECS
// deploy action copies the running revision, so the template's changes are
// named as ones it does not roll out; an image-only change prints nothing.
func TestECSPipelineSaysTheTemplateDoesNotReachProduction(t *testing.T) {
	_, plan, _ := nativeTemplateWorld(t, "", func(e *ecsfake.Env, running string) string {
		return registerTemplate(t, e.ECS, running)
	})
	d, err := plan.Diff(Options{Mode: bundle.ModePipeline}, nativeImage)
	if err != nil {
		t.Fatal(err)
	}
	s := d.String()
	if !d.ViaECSAction || !strings.Contains(s, "do not reach production that way") || !strings.Contains(s, "memory: 512 → 2048") || strings.Contains(s, "container webapp: image") {
		t.Fatalf("diff:\n%s", s)
	}
	_, plain, _ := nativeTemplateWorld(t, "", nil)
	if d, err := plain.Diff(Options{Mode: bundle.ModePipeline}, nativeImage); err != nil || d.String() != "" {
		t.Fatalf("an image-only ecs pipeline release printed %q (%v)", d.String(), err)
	}
}

// TestReleaseAfterARollbackCarriesNoMarks: after a rollback the service
// runs the rollback's marked copy; a release made then carries none of its
// marks, whether the template of record is a clean revision or the marked
// copy itself.
func TestReleaseAfterARollbackCarriesNoMarks(t *testing.T) {
	for _, tc := range []struct {
		name           string
		templateIsCopy bool
	}{{"clean template", false}, {"template carries the marks", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e, plan := nativeWorld(t, canary())
			if _, err := released(t, e, e.V2); err != nil {
				t.Fatal(err)
			}
			rb, err := rollback(t, e, plan, RollbackRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if _, tags := describeTagged(t, e.ECS, rb.TaskDefinitionArn); tags[deploy.RollbackOfTagKey] == "" {
				t.Fatalf("the rollback's copy is not marked: %v", tags)
			}
			target := plan.Target
			if tc.templateIsCopy {
				target.TaskDefinitionArn = rb.TaskDefinitionArn
			}
			next, err := LoadTarget(context.Background(), e.ECS, target)
			if err != nil {
				t.Fatal(err)
			}
			var progress, printed strings.Builder
			req := nativeRequest(newSteppedClock(e.Clock), &progress, 0)
			req.DiffOut = &printed
			res, err := next.DeployNative(context.Background(), e.ECS, req)
			if err != nil {
				t.Fatalf("release after the rollback: %v\n%s", err, progress.String())
			}
			_, tags := describeTagged(t, e.ECS, res.TaskDefinitionArn)
			assertNoInheritedMarks(t, tags, req.ReleaseID)
			if strings.Contains(printed.String(), "ecs-bluegreen:") {
				t.Errorf("the printed diff shows a mark:\n%s", printed.String())
			}
		})
	}
}

func TestReleaseTagsDropEveryModuleMark(t *testing.T) {
	in := append([]ecstypes.Tag{
		{Key: aws.String("team"), Value: aws.String("web")},
		{Key: aws.String("ecs-bluegreen:some-future-mark"), Value: aws.String("x")},
		{Key: aws.String("aws:cloudformation:stack-name"), Value: aws.String("webapp-service")},
	}, rollbackMarks...)
	got := releaseTags(in)
	if len(got) != 1 || aws.ToString(got[0].Key) != "team" {
		t.Fatalf("kept %+v", got)
	}
}

// TestTemplateChangeReachesProductionAndRollsBack (ecs mode): after a
// release on the first shape, a CDK change of memory registers a new
// template of record; the next release runs it with its image and prints
// both changes, and a rollback restores the release before it whole, shape
// and image.
func TestTemplateChangeReachesProductionAndRollsBack(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	ctx := context.Background()
	imageV2 := "registry.example/webapp:v2@sha256:" + strings.Repeat("2", 64)
	imageV3 := "registry.example/webapp:v3@sha256:" + strings.Repeat("3", 64)
	ship := func(p *Plan, image, id string) (Outcome, string) {
		t.Helper()
		var progress, printed strings.Builder
		req := nativeRequest(newSteppedClock(e.Clock), &progress, 0)
		req.ImageURI, req.ReleaseID, req.DiffOut = image, id, &printed
		out, err := p.DeployNative(ctx, e.ECS, req)
		if err != nil {
			t.Fatalf("release of %s: %v\n%s", image, err, progress.String())
		}
		return out, printed.String()
	}
	v2, _ := ship(plan, imageV2, "r-20261130T120000Z-00000002")

	target := plan.Target
	target.TaskDefinitionArn = registerTemplate(t, e.ECS, e.V1)
	next, err := LoadTarget(ctx, e.ECS, target)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(next.Running.TaskDefinitionArn); got != v2.TaskDefinitionArn {
		t.Fatalf("the service runs %s, want the release %s", got, v2.TaskDefinitionArn)
	}
	v3, printed := ship(next, imageV3, "r-20261130T120000Z-00000003")
	td, _ := describeTagged(t, e.ECS, v3.TaskDefinitionArn)
	if aws.ToString(td.Memory) != "2048" || aws.ToString(container(td, "webapp").Image) != imageV3 {
		t.Errorf("the release runs memory %s image %s", aws.ToString(td.Memory), aws.ToString(container(td, "webapp").Image))
	}
	for _, want := range []string{"memory: 512 → 2048", "container webapp: image: " + imageV2 + " → " + imageV3} {
		if !strings.Contains(printed, want) {
			t.Errorf("the printed diff lacks %q:\n%s", want, printed)
		}
	}

	rb, err := rollback(t, e, next, RollbackRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if rb.Served.TaskDefinition != v2.TaskDefinitionArn {
		t.Fatalf("the rollback restored %s, want %s", rb.Served.TaskDefinition, v2.TaskDefinitionArn)
	}
	td, _ = describeTagged(t, e.ECS, aws.ToString(e.DescribeService(t).TaskDefinition))
	if aws.ToString(td.Memory) != "512" || aws.ToString(container(td, "webapp").Image) != imageV2 {
		t.Errorf("after the rollback the service runs memory %s image %s, want 512 and %s", aws.ToString(td.Memory), aws.ToString(container(td, "webapp").Image), imageV2)
	}
}
