package infragate

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// pagedChangeSet answers DescribeChangeSet as CloudFormation does for a big
// change set: CREATE_IN_PROGRESS for the first reads, then one page per
// call, linked by NextToken. Only DescribeChangeSet is meant to be called.
type pagedChangeSet struct {
	CloudFormationAPI
	pending int
	pages   [][]string // logical ids per page
	status  types.ChangeSetStatus
	reason  string
	calls   []*cloudformation.DescribeChangeSetInput
}

func (p *pagedChangeSet) DescribeChangeSet(_ context.Context, in *cloudformation.DescribeChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error) {
	p.calls = append(p.calls, in)
	if p.pending > 0 {
		p.pending--
		return &cloudformation.DescribeChangeSetOutput{Status: types.ChangeSetStatusCreateInProgress}, nil
	}
	if p.status != "" {
		return &cloudformation.DescribeChangeSetOutput{Status: p.status, StatusReason: aws.String(p.reason)}, nil
	}
	i := 0
	if in.NextToken != nil {
		i = int(aws.ToString(in.NextToken)[0] - '0')
	}
	out := &cloudformation.DescribeChangeSetOutput{Status: types.ChangeSetStatusCreateComplete, StackName: in.StackName, ChangeSetName: in.ChangeSetName}
	for _, id := range p.pages[i] {
		out.Changes = append(out.Changes, types.Change{Type: types.ChangeTypeResource, ResourceChange: &types.ResourceChange{
			Action: types.ChangeActionAdd, LogicalResourceId: aws.String(id), ResourceType: aws.String("AWS::SNS::Topic"),
		}})
	}
	if i+1 < len(p.pages) {
		out.NextToken = aws.String(string(rune('0' + i + 1)))
	}
	return out, nil
}

func TestReadChangeSetWaitsThenReadsEveryPageWithPropertyValues(t *testing.T) {
	api := &pagedChangeSet{pending: 2, pages: [][]string{{"A", "B"}, {"C"}, {"D"}}}
	clock := newInstantClock()
	pages, err := ReadChangeSet(context.Background(), api, "shop-service", "gate-1", Location{}, clock)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pages {
		for _, c := range p.Changes {
			ids = append(ids, aws.ToString(c.ResourceChange.LogicalResourceId))
		}
	}
	if strings.Join(ids, ",") != "A,B,C,D" {
		t.Fatalf("read %v", ids)
	}
	if clock.sleeps != 2 {
		t.Errorf("slept %d times while the change set was being created, want 2", clock.sleeps)
	}
	for _, in := range api.calls {
		if !aws.ToBool(in.IncludePropertyValues) {
			t.Fatal("a page was read without property values")
		}
	}
}

func TestReadChangeSetFailures(t *testing.T) {
	pages, err := ReadChangeSet(context.Background(), &pagedChangeSet{status: types.ChangeSetStatusFailed,
		reason: "The submitted information didn't contain changes. Submit different information to create a change set."}, "s", "c", Location{}, newInstantClock())
	if err != nil || pages == nil || len(pages) != 0 {
		t.Fatalf("an empty change set: %v %v", pages, err)
	}
	_, err = ReadChangeSet(context.Background(), &pagedChangeSet{status: types.ChangeSetStatusFailed,
		reason: "Template format error: Unresolved resource dependencies [Missing]"}, "shop-service", "gate-1", Location{}, newInstantClock())
	if err == nil || !strings.Contains(err.Error(), "change set gate-1 of stack shop-service failed: Template format error") {
		t.Fatalf("a failed change set: %v", err)
	}
}

func TestReadChangeSetGivesUpOnAChangeSetThatNeverFinishes(t *testing.T) {
	clock := newInstantClock()
	_, err := ReadChangeSet(context.Background(), &pagedChangeSet{pending: 1 << 30}, "shop-service", "gate-1", Location{}, clock)
	if err == nil || !strings.Contains(err.Error(), "still CREATE_IN_PROGRESS after 10m0s") {
		t.Fatalf("%v", err)
	}
	if waited := clock.Now().Sub(clock.start); waited < CreateTimeout || waited > CreateTimeout+time.Minute {
		t.Errorf("waited %s", waited)
	}
}
