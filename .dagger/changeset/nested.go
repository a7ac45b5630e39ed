package changeset

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// nestedStackType is a nested stack's resource type. The root change set
// shows one change for it; with nested stacks included (the CDK CLI always
// asks for them) that change names the nested stack's own change set
// (ChangeSetId), which holds what actually runs inside it: a replacement
// there is as real as one in the root. The gate reads those change sets and
// reviews their changes as the root's; a nested stack change whose change
// set is absent is refused, since nothing says what it would do.
const nestedStackType = "AWS::CloudFormation::Stack"

// judgeNested judges a nested stack's change: its own change set's
// findings when it was read, a refusal otherwise.
func judgeNested(f Finding, rc types.ResourceChange, nested map[string]ChangeSet, live Live) []Finding {
	path := f.Resource()
	id := aws.ToString(rc.ChangeSetId)
	inner, read := nested[id]
	switch {
	case id != "" && read:
		findings := classifyChangeSet(inner, live, path)
		if f.Verdict == Safe || f.Verdict == Care {
			f.Verdict, f.Class = Safe, ""
			f.Reason = fmt.Sprintf("nested stack: its change set was read and its %d changes are reviewed as %s/…", len(findings), path)
		}
		return append([]Finding{f}, findings...)
	case rc.Action == types.ChangeActionRemove:
		return []Finding{refuse(f, UnreviewedNestedStack, "the nested stack would be deleted with every resource in it, and the change set does not list them")}
	case id == "" && rc.Action == types.ChangeActionAdd:
		return []Finding{refuse(f, UnreviewedNestedStack, "a new nested stack without a change set of its own (no ChangeSetId): what it would create is unknown")}
	case id == "":
		return []Finding{refuse(f, UnreviewedNestedStack, "the nested stack changes, but the change set was prepared without nested stacks (no ChangeSetId): what would run inside it is unknown")}
	}
	return []Finding{refuse(f, UnreviewedNestedStack, fmt.Sprintf("the nested stack's change set %s was not read: what would run inside it is unknown", id))}
}
