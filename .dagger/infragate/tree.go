package infragate

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/changeset"
)

// maxNesting bounds how deep nested change sets are followed; a deeper one
// stays unread and the review refuses its stack (unreviewed-nested-stack).
const maxNesting = 8

// ReadTree reads a change set and, through the ChangeSetId of every nested
// stack change, the nested change sets under it (the CDK CLI prepares change
// sets with nested stacks included), so that what runs inside a nested stack
// is reviewed like the root's changes.
func ReadTree(ctx context.Context, api CloudFormationAPI, stack, name string, where Location, clock Clock) (changeset.ChangeSet, error) {
	return readTree(ctx, api, stack, name, where, clock, 0)
}

func readTree(ctx context.Context, api CloudFormationAPI, stack, name string, where Location, clock Clock, depth int) (changeset.ChangeSet, error) {
	pages, err := ReadChangeSet(ctx, api, stack, name, where, clock)
	if err != nil {
		return changeset.ChangeSet{}, err
	}
	cs := changeset.ChangeSet{Pages: pages}
	if depth >= maxNesting {
		return cs, nil
	}
	for _, p := range pages {
		for _, c := range p.Changes {
			rc := c.ResourceChange
			if rc == nil || aws.ToString(rc.ResourceType) != "AWS::CloudFormation::Stack" || aws.ToString(rc.ChangeSetId) == "" {
				continue
			}
			id := aws.ToString(rc.ChangeSetId)
			inner, err := readTree(ctx, api, "", id, where, clock, depth+1)
			if err != nil {
				return cs, fmt.Errorf("reading the change set of nested stack %s: %w", aws.ToString(rc.LogicalResourceId), err)
			}
			if cs.Nested == nil {
				cs.Nested = map[string]changeset.ChangeSet{}
			}
			cs.Nested[id] = inner
		}
	}
	return cs, nil
}
