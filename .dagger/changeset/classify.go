package changeset

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Classify reviews every change of every page of a change set without
// nested stacks; live describes the running service behind the stack.
func Classify(pages []*cloudformation.DescribeChangeSetOutput, live Live) Review {
	return ClassifyTree(ChangeSet{Pages: pages}, live)
}

// ClassifyTree reviews every change of a change set and of the nested
// change sets under it. A nested stack's changes are judged like the root's
// (with the root's live service), each finding naming the nested stacks that
// hold it; a nested stack whose change set was not read is refused
// (UnreviewedNestedStack): what would run inside it is unknown.
func ClassifyTree(cs ChangeSet, live Live) Review {
	r := Review{Mode: live.Mode, InProgress: live.InProgress, Findings: []Finding{}}
	live.creates = creations(cs)
	for _, p := range cs.Pages {
		if p != nil && r.Stack == "" {
			r.Stack = aws.ToString(p.StackName)
			r.ChangeSet = aws.ToString(p.ChangeSetName)
		}
	}
	r.Findings = append(r.Findings, classifyChangeSet(cs, live, "")...)
	if len(r.Findings) > 0 && len(live.InProgress) > 0 {
		r.Findings = append(r.Findings, Finding{
			LogicalID: "(stack)", ResourceType: "AWS::CloudFormation::Stack", Action: "Update",
			Verdict: Refused, Class: DeploymentInProgress,
			Reason: strings.Join(live.InProgress, "; ") + ": a stack update now would fight the running deployment; wait for it to finish",
		})
	}
	r.SetAllow()
	sort.SliceStable(r.Findings, func(i, j int) bool {
		return verdictRank[r.Findings[i].Verdict] > verdictRank[r.Findings[j].Verdict]
	})
	return r
}

// SetAllow fills in the --allow value of every refused finding; the gate
// calls it again when it names a stack the change set did not.
func (r *Review) SetAllow() {
	for i, f := range r.Findings {
		if f.Verdict == Refused {
			r.Findings[i].Allow = allowance(r.Stack, f).String()
		}
	}
}

// classifyChangeSet judges the changes of one change set; nested is the
// path of the nested stacks that hold it.
func classifyChangeSet(cs ChangeSet, live Live, nested string) []Finding {
	var out []Finding
	for _, p := range cs.Pages {
		if p == nil {
			continue
		}
		for _, c := range p.Changes {
			if c.ResourceChange == nil {
				continue
			}
			rc := *c.ResourceChange
			f := classify(rc, live)
			f.NestedStack = nested
			if f.ResourceType != nestedStackType {
				out = append(out, f)
				continue
			}
			out = append(out, judgeNested(f, rc, cs.Nested, live)...)
		}
	}
	return out
}

var verdictRank = map[Verdict]int{Safe: 0, Care: 1, Refused: 2}

// serving maps the resource types of the traffic path to the class their
// replacement falls under, and names them in words.
var serving = map[string]struct {
	class Class
	name  string
}{
	"AWS::ECS::Service":                         {ReplaceService, "the ECS service"},
	"AWS::ECS::Cluster":                         {ReplaceCluster, "the ECS cluster"},
	"AWS::ElasticLoadBalancingV2::TargetGroup":  {ReplaceTargetGroup, "a target group"},
	"AWS::ElasticLoadBalancingV2::Listener":     {ReplaceListener, "a listener"},
	"AWS::ElasticLoadBalancingV2::ListenerRule": {ReplaceListenerRule, "a listener rule"},
	"AWS::ElasticLoadBalancingV2::LoadBalancer": {ReplaceLoadBalancer, "the load balancer"},
}

func classify(rc types.ResourceChange, live Live) Finding {
	f := Finding{
		LogicalID:    aws.ToString(rc.LogicalResourceId),
		ResourceType: aws.ToString(rc.ResourceType),
		PhysicalID:   aws.ToString(rc.PhysicalResourceId),
		Action:       string(rc.Action),
		Replacement:  string(rc.Replacement),
		Properties:   properties(rc.Details),
		Verdict:      Safe,
	}
	kind, isServing := serving[f.ResourceType]
	replaced := rc.Replacement == types.ReplacementTrue || rc.Replacement == types.ReplacementConditional
	switch {
	case rc.Action == types.ChangeActionRemove:
		return judgeRemoval(f, rc, kind.name, isServing)
	case rc.Action == types.ChangeActionModify && replaced:
		return judgeReplacement(f, rc, kind.class, kind.name, isServing)
	case rc.Action == types.ChangeActionModify:
		return judgeUpdate(f, rc, live)
	case rc.Action == types.ChangeActionAdd:
		if rt, ok := addedRoute(rc); ok {
			return judgeRoute(f, rt, live)
		}
		if isIAM(f.ResourceType) {
			return care(f, "new IAM resource: read the permissions it grants")
		}
		f.Reason = "new resource"
		return f
	case rc.Action == types.ChangeActionDynamic && isServing:
		return refuse(f, DynamicServing, fmt.Sprintf("%s has a Dynamic change: CloudFormation decides only at run time whether it is updated or replaced, so the change cannot be reviewed; make it static (no run-time macro or transform deciding the resource)", kind.name))
	}
	return care(f, fmt.Sprintf("%s change: CloudFormation decides its effect at run time", f.Action))
}

func judgeRemoval(f Finding, rc types.ResourceChange, name string, isServing bool) Finding {
	switch {
	case f.ResourceType == "AWS::ECR::Repository" && rc.PolicyAction == types.PolicyActionRetain:
		return care(f, "removed from the stack but retained (DeletionPolicy Retain): the images stay, the repository is no longer managed here")
	case f.ResourceType == "AWS::ECR::Repository":
		return refuse(f, DeleteRepository, "the ECR repository would be deleted with the images the service runs: tasks could no longer be started or scaled")
	case isServing:
		return refuse(f, RemoveServing, name+" would be deleted while it serves traffic")
	case rc.PolicyAction == types.PolicyActionRetain:
		return care(f, "removed from the stack, resource retained")
	}
	return care(f, "resource deleted")
}

func judgeReplacement(f Finding, rc types.ResourceChange, class Class, name string, isServing bool) Finding {
	cause := recreatedBy(f.Properties)
	how := "replaced"
	if rc.Replacement == types.ReplacementConditional {
		how = "possibly replaced (conditional: it depends on values known only at run time)"
	}
	switch {
	case isServing:
		return refuse(f, class, fmt.Sprintf("%s would be %s%s: a new physical resource is created and the live one deleted, which interrupts the blue/green service", name, how, cause))
	case f.ResourceType == "AWS::ECR::Repository" && rc.PolicyAction != types.PolicyActionReplaceAndRetain:
		return refuse(f, DeleteRepository, fmt.Sprintf("the ECR repository would be %s%s and the old one deleted with its images", how, cause))
	case f.ResourceType == "AWS::ECS::TaskDefinition":
		f.Reason = "new task definition revision" + cause + "; earlier revisions stay registered"
		return f
	}
	return care(f, fmt.Sprintf("resource %s%s", how, cause))
}

func care(f Finding, reason string) Finding {
	f.Verdict, f.Reason = Care, reason
	return f
}

func refuse(f Finding, c Class, reason string) Finding {
	f.Verdict, f.Class, f.Reason = Refused, c, reason
	return f
}

func isIAM(resourceType string) bool { return strings.HasPrefix(resourceType, "AWS::IAM::") }

// changed returns which of the named properties the finding changes.
func (f Finding) changed(names ...string) []string {
	var out []string
	for _, n := range names {
		for _, p := range f.Properties {
			if p.Name == n {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// recreatedBy names the properties whose change forces the replacement.
func recreatedBy(props []Property) string {
	var names []string
	for _, p := range props {
		if p.Recreation == string(types.RequiresRecreationAlways) || p.Recreation == string(types.RequiresRecreationConditionally) {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (" + strings.Join(names, ", ") + " changes)"
}

// properties lists the changed properties once each (a property changed for
// several causes appears once per cause in the change set).
func properties(details []types.ResourceChangeDetail) []Property {
	var out []Property
	seen := map[string]bool{}
	for _, d := range details {
		t := d.Target
		if t == nil || t.Attribute != types.ResourceAttributeProperties || aws.ToString(t.Name) == "" {
			continue
		}
		p := Property{
			Name: aws.ToString(t.Name), Path: aws.ToString(t.Path), Recreation: string(t.RequiresRecreation),
			Source: string(d.ChangeSource), Cause: aws.ToString(d.CausingEntity),
			Before: truncate(aws.ToString(t.BeforeValue)), After: truncate(aws.ToString(t.AfterValue)),
		}
		key := p.Name + "\x00" + p.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, p)
	}
	return out
}

func truncate(s string) string {
	if len(s) <= valueLimit {
		return s
	}
	return s[:valueLimit] + "…"
}
