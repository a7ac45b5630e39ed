package release

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/stackout"
)

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
