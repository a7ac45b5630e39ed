package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"dagger/ecs-bluegreen/internal/moto"
)

// pipelineBucket is where CodePipeline keeps its artifacts; its
// CodeDeployToECS action deploys the AppSpec it renders there as an S3
// revision (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html).
const pipelineBucket = "codepipeline-us-east-1-123456789012"

// s3Client is a real S3 client pointed at the emulator.
func (e *motoEnv) s3Client() *s3.Client {
	return s3.New(s3.Options{
		Region: moto.Region, BaseEndpoint: aws.String(e.srv.URL), UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
	})
}

// pipelineRevision stores the AppSpec for taskDef where the pipeline's
// deploy action puts it, and returns the S3 revision CodeDeploy records.
func (e *motoEnv) pipelineRevision(t *testing.T, key, taskDef string) *s3Revision {
	t.Helper()
	ctx := context.Background()
	c := e.s3Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(pipelineBucket)}); err != nil && !strings.Contains(err.Error(), "BucketAlready") {
		t.Fatalf("CreateBucket: %v", err)
	}
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(pipelineBucket), Key: aws.String(key), Body: strings.NewReader(appSpecFor(taskDef))})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	return &s3Revision{Bucket: pipelineBucket, Key: key, BundleType: "YAML", ETag: strings.Trim(aws.ToString(out.ETag), `"`)}
}

// The release before the current one was deployed by the pipeline: its
// revision is an S3 object, which is read, and that release is the one
// redeployed — never skipped for the one before it.
func TestRollbackReadsThePipelinesS3Revision(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[2]
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -3 * time.Hour},
		{ID: "d-PIPELINE2", Status: "Succeeded", S3: e.pipelineRevision(t, "webapp-pipeline/BuildArtif/Ab12Cd3", arns[1]), Created: -2 * time.Hour},
	}
	var served string
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, spec string) (string, error) {
		served = spec
		return appSpecFor(arn), nil
	}, WithAppSpecReader(e.s3Client()))
	t.Logf("result: %v; error: %v", res, err)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.To != arns[1] || res.Served != "d-PIPELINE2" {
		t.Fatalf("rollback redeploys %s (served by %s); want %s, the pipeline's release d-PIPELINE2 served", res.To, res.Served, arns[1])
	}
	if served != appSpecFor(arns[1]) {
		t.Errorf("the renderer got AppSpec %q, want the one read from the bucket", served)
	}
}

// When the object cannot be read (no S3 client, or access denied) the
// rollback is refused naming the deployment and where its release is.
func TestRollbackRefusesAnUnreadableS3Revision(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	rev := e.pipelineRevision(t, "webapp-pipeline/BuildArtif/Ab12Cd3", arns[1])
	for _, tc := range []struct {
		name string
		opts []RollbackOption
	}{
		{"no S3 client", nil},
		{"object missing", []RollbackOption{WithAppSpecReader(e.s3Client())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
			s.revisionARN = arns[2]
			r := *rev
			if tc.opts != nil {
				r.Key = "webapp-pipeline/BuildArtif/gone"
				r.ETag = ""
			}
			s.history = []pastDeployment{
				{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -3 * time.Hour},
				{ID: "d-PIPELINE2", Status: "Succeeded", S3: &r, Description: "pipeline run 7", Created: -2 * time.Hour},
			}
			res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil }, tc.opts...)
			t.Logf("result: %v; error: %v", res, err)
			if err == nil {
				t.Fatalf("Rollback redeployed %s, skipping the release d-PIPELINE2 served", res.To)
			}
			for _, want := range []string{"d-PIPELINE2", "s3://" + pipelineBucket + "/" + r.Key, "pipeline run 7"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("refusal lacks %q: %v", want, err)
				}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.created) != 0 {
				t.Fatalf("a deployment was created: %v", s.created)
			}
		})
	}
}

// The release to go back to was deregistered: it is registered again as a
// copy marked as a rollback and the copy is deployed, never the INACTIVE
// revision ECS would refuse to start.
func TestRollbackToADeregisteredRevisionDeploysAMarkedCopy(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3, 1)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[2]
	s.history = []pastDeployment{{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -3 * time.Hour}}
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("result: %v; error: %v", res, err)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.To == arns[0] || res.Release != arns[0] {
		t.Fatalf("rollback deploys %s (release %s); want a copy of the INACTIVE %s", res.To, res.Release, arns[0])
	}
	s.onlyCreated(t, res.To)
	out, err := e.ecs.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(res.To), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if out.TaskDefinition.Status != ecstypes.TaskDefinitionStatusActive {
		t.Errorf("the copy is %s", out.TaskDefinition.Status)
	}
	if m := ParseRollbackMark(out.Tags); m == nil || m.Restores != arns[0] || m.RollbackOf != arns[2] {
		t.Errorf("the copy's mark = %+v, want it to restore %s in place of %s", m, arns[0], arns[2])
	}
	if img := aws.ToString(out.TaskDefinition.ContainerDefinitions[0].Image); !strings.HasSuffix(img, "01") {
		t.Errorf("the copy runs %s, want revision 1's image", img)
	}
	if !strings.Contains(res.String(), "a copy of "+arns[0]) {
		t.Errorf("String() = %q, want it to say a copy was deployed", res.String())
	}
}

// The service runs a rollback's copy of an earlier release: rolling back
// again goes on to the release before that one, never to the release the
// copy already restores.
func TestRollbackAfterACopiedRollbackKeepsGoingBack(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 4, 4) // revision 4 is the copy of revision 2 a rollback registered
	if _, err := e.ecs.TagResource(context.Background(), &ecs.TagResourceInput{
		ResourceArn: aws.String(arns[3]), Tags: RollbackMark{RollbackOf: arns[2], Restores: arns[1]}.Tags(),
	}); err != nil {
		t.Fatal(err)
	}
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[3]
	s.description = markedDescription(KindRollback, "r-20260301T110000Z-0a0b0c0d", "webapp:3 → webapp:2, as deployment d-FIRST0001 served it")
	s.history = []pastDeployment{
		{ID: "d-ZERO00001", Status: "Succeeded", TaskDef: arns[0], Created: -5 * time.Hour},
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[1], Created: -4 * time.Hour},
		{ID: "d-SECOND001", Status: "Succeeded", TaskDef: arns[2], Created: -3 * time.Hour},
	}
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("result: %v; error: %v", res, err)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.To != arns[0] || res.Served != "d-ZERO00001" {
		t.Fatalf("rollback redeploys %s (served by %s); want %s, the release before the one the copy restores", res.To, res.Served, arns[0])
	}
}
