package deploy

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// historyECS is a service's deployment history in memory, answering the
// history reads as ECS does: ListServiceDeployments filtered by status and
// createdAt, in an order ECS does not promise (here a fixed shuffle), a
// page of a random size at a time; Describe calls for deployments,
// revisions and task definitions with their tags.
type historyECS struct {
	deployments []ecstypes.ServiceDeployment
	order       []int // listing order: indexes into deployments
	page        int
	tags        map[string][]ecstypes.Tag // task definition → tags
	revs        map[string]string         // service revision → task definition
}

func (h *historyECS) ListServiceDeployments(_ context.Context, in *ecs.ListServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error) {
	var match []ecstypes.ServiceDeploymentBrief
	for _, i := range h.order {
		d := h.deployments[i]
		if len(in.Status) > 0 && !containsStatus(in.Status, d.Status) {
			continue
		}
		if c := in.CreatedAt; c != nil && ((c.Before != nil && !d.CreatedAt.Before(*c.Before)) || (c.After != nil && !d.CreatedAt.After(*c.After))) {
			continue
		}
		match = append(match, ecstypes.ServiceDeploymentBrief{ServiceDeploymentArn: d.ServiceDeploymentArn, Status: d.Status, CreatedAt: d.CreatedAt})
	}
	start, _ := strconv.Atoi(aws.ToString(in.NextToken))
	size := min(h.page, int(aws.ToInt32(in.MaxResults)))
	end := min(start+size, len(match))
	out := &ecs.ListServiceDeploymentsOutput{ServiceDeployments: match[min(start, end):end]}
	if end < len(match) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func containsStatus(list []ecstypes.ServiceDeploymentStatus, s ecstypes.ServiceDeploymentStatus) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func (h *historyECS) DescribeServiceDeployments(_ context.Context, in *ecs.DescribeServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	if len(in.ServiceDeploymentArns) > describeBatch {
		return nil, fmt.Errorf("%d ARNs in one DescribeServiceDeployments", len(in.ServiceDeploymentArns))
	}
	out := &ecs.DescribeServiceDeploymentsOutput{}
	for _, arn := range in.ServiceDeploymentArns {
		for _, d := range h.deployments {
			if aws.ToString(d.ServiceDeploymentArn) == arn {
				out.ServiceDeployments = append(out.ServiceDeployments, d)
			}
		}
	}
	return out, nil
}

func (h *historyECS) DescribeServiceRevisions(_ context.Context, in *ecs.DescribeServiceRevisionsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error) {
	out := &ecs.DescribeServiceRevisionsOutput{}
	for _, arn := range in.ServiceRevisionArns {
		if td, ok := h.revs[arn]; ok {
			out.ServiceRevisions = append(out.ServiceRevisions, ecstypes.ServiceRevision{ServiceRevisionArn: aws.String(arn), TaskDefinition: aws.String(td),
				ContainerImages: []ecstypes.ContainerImage{{Image: aws.String("registry.example/webapp@" + td)}}})
		}
	}
	return out, nil
}

func (h *historyECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	td := aws.ToString(in.TaskDefinition)
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{TaskDefinitionArn: aws.String(td)}, Tags: h.tags[td]}, nil
}

// genHistory draws a random history of a service, tracking which releases
// actually served: releases that succeed (pushed on the stack of serving
// releases), fail (ECS rolled them back) or are superseded (STOPPED),
// rollbacks by the module (a marked copy of the release below the top,
// which pops the top) that succeed or fail. It returns the history and the
// stack of releases that served, oldest first; the last deployment is
// SUCCESSFUL (the current one).
func genHistory(r *rand.Rand) (*historyECS, []string) {
	h := &historyECS{tags: map[string][]ecstypes.Tag{}, revs: map[string]string{}, page: 1 + r.Intn(25)}
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := t0
	tds := 0
	newTD := func() string {
		tds++
		return fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:%d", tds)
	}
	add := func(td string, status ecstypes.ServiceDeploymentStatus) {
		n := len(h.deployments)
		rev := fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:service-revision/web/webapp/%019d", n+1)
		h.revs[rev] = td
		// Seconds to hours apart; never the same instant.
		at = at.Add(time.Duration(1+r.Intn(7200)) * time.Second)
		h.deployments = append(h.deployments, ecstypes.ServiceDeployment{
			ServiceDeploymentArn:  aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:service-deployment/web/webapp/D%05d-history", n)),
			Status:                status,
			CreatedAt:             aws.Time(at),
			TargetServiceRevision: &ecstypes.ServiceRevisionSummary{Arn: aws.String(rev)},
		})
	}
	first := newTD()
	add(first, ecstypes.ServiceDeploymentStatusSuccessful)
	stack := []string{first}
	steps := 1 + r.Intn(30)
	for i := 0; i < steps; i++ {
		switch k := r.Intn(10); {
		case k < 4:
			td := newTD()
			add(td, ecstypes.ServiceDeploymentStatusSuccessful)
			stack = append(stack, td)
		case k == 4:
			add(newTD(), ecstypes.ServiceDeploymentStatusRollbackSuccessful)
		case k == 5:
			// Superseded by the next release, which succeeds.
			add(newTD(), ecstypes.ServiceDeploymentStatusStopped)
			td := newTD()
			add(td, ecstypes.ServiceDeploymentStatusSuccessful)
			stack = append(stack, td)
		case len(stack) >= 2:
			top, restores := stack[len(stack)-1], stack[len(stack)-2]
			copyTD := newTD()
			h.tags[copyTD] = RollbackMark{RollbackOf: top, Restores: restores}.Tags()
			if k == 6 {
				add(copyTD, ecstypes.ServiceDeploymentStatusRollbackSuccessful) // the redeployment failed
				continue
			}
			add(copyTD, ecstypes.ServiceDeploymentStatusSuccessful)
			stack = stack[:len(stack)-1]
		}
	}
	// The current deployment is the last SUCCESSFUL one: end on a success.
	if last := h.deployments[len(h.deployments)-1]; last.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		td := newTD()
		add(td, ecstypes.ServiceDeploymentStatusSuccessful)
		stack = append(stack, td)
	}
	h.order = r.Perm(len(h.deployments))
	return h, stack
}

// TestPropertyRollbackRestoresTheReleaseThatServedBefore: over random
// histories listed in any order and any page size, ServedBefore picks the
// release that actually served before the current one (the one below the
// top of the stack of serving releases), or refuses when there is none.
func TestPropertyRollbackRestoresTheReleaseThatServedBefore(t *testing.T) {
	r := rand.New(rand.NewSource(*propertySeed))
	ctx := context.Background()
	for i := 0; i < *propertyCases; i++ {
		h, stack := genHistory(r)
		cur := h.deployments[len(h.deployments)-1]
		below, err := DescribeServed(ctx, h, aws.ToString(cur.ServiceDeploymentArn))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ServedBefore(ctx, h, "web", "webapp", below, below.Release())
		name := fmt.Sprintf("case %d (seed %d, page %d, %d deployments)", i, *propertySeed, h.page, len(h.deployments))
		if len(stack) < 2 {
			if err == nil || !strings.Contains(err.Error(), "has no earlier release to roll back to") {
				t.Fatalf("%s: nothing served before %s, but ServedBefore chose %s (%v)\n%s", name, stack, got.TaskDefinition, err, describeHistory(h))
			}
			continue
		}
		want := stack[len(stack)-2]
		if err != nil || got.TaskDefinition != want || got.Mark != nil {
			t.Fatalf("%s: rollback restores %s (%v), want %s (serving stack %v)\n%s", name, got.TaskDefinition, err, want, stack, describeHistory(h))
		}
	}
}

func describeHistory(h *historyECS) string {
	var b strings.Builder
	for _, d := range h.deployments {
		td := h.revs[aws.ToString(d.TargetServiceRevision.Arn)]
		fmt.Fprintf(&b, "  %s %s %s %v\n", d.CreatedAt.Format(time.RFC3339), d.Status, td, ParseRollbackMark(h.tags[td]))
	}
	return b.String()
}
