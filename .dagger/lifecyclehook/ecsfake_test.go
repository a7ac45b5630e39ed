package lifecyclehook

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
)

// TestRevisionsReadThroughTheECSStandIn resolves the target groups of a
// real canary deployment's revisions through the SDK's ECS client, against
// the project's ECS stand-in: the new revision serves from green and the
// old from blue, as ECS swaps them. The stand-in names no listener rule on
// its revisions, so the configured load balancer (the production rule's
// ARN) supplies the LoadBalancer dimension — the fallback path.
func TestRevisionsReadThroughTheECSStandIn(t *testing.T) {
	w := newWorld(t, Config{}) // resets moto first; the stand-in's world is built on top
	env := ecsfake.NewEnv(t)
	env.CreateService(t, &ecstypes.DeploymentConfiguration{
		Strategy: ecstypes.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(5),
		CanaryConfiguration: &ecstypes.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)},
	})
	d := env.Deployment(t, env.Deploy(t))
	newArn, oldArn := aws.ToString(d.TargetServiceRevision.Arn), aws.ToString(d.SourceServiceRevisions[0].Arn)

	lbDim, err := loadBalancerDimension(env.Listeners.ProductionRule)
	if err != nil {
		t.Fatal(err)
	}
	greenD, _ := targetGroupDimension(env.Listeners.Green)
	blueD, _ := targetGroupDimension(env.Listeners.Blue)
	w.h.Revisions = env.ECS
	w.h.Config.LoadBalancer = env.Listeners.ProductionRule

	p := []byte(fmt.Sprintf(`{"executionDetails":{"serviceArn":%q,"targetServiceRevisionArn":%q,
		"testTrafficWeights":{%q:100,%q:0},"productionTrafficWeights":{%q:90,%q:10}},
		"executionId":"5e0a7c21-93d4-4f1b-8a6e-2c9d7b3f4e10","lifecycleStage":"PRE_PRODUCTION_TRAFFIC_SHIFT","resourceArn":%q}`,
		aws.ToString(d.ServiceArn), newArn, newArn, oldArn, oldArn, newArn, aws.ToString(d.ServiceDeploymentArn)))
	resp, rec := w.invoke(p)
	var st state
	if err := json.Unmarshal(resp.HookDetails[stateKey], &st); err != nil {
		t.Fatalf("%+v / %+v", resp, rec)
	}
	if st.New != (Dimensions{LoadBalancer: lbDim, TargetGroup: greenD}) || st.Old != (Dimensions{LoadBalancer: lbDim, TargetGroup: blueD}) {
		t.Fatalf("resolved new %+v old %+v; want green %s and blue %s behind %s", st.New, st.Old, greenD, blueD, lbDim)
	}

	// With the dimensions the stand-in gave, good canary metrics pass.
	putALB(t, w.cw, st.New, w0, repeat(6, goodNew))
	putALB(t, w.cw, st.Old, w0, repeat(6, goodOld))
	w.now = w0.Add(5 * time.Minute)
	resp, rec = w.invoke(feedBack(t, p, resp))
	if resp.HookStatus != StatusSucceeded || rec.Verdict != "pass" {
		t.Fatalf("%+v / %s", resp, rec.Msg)
	}
	env.NoFailures(t)
}
