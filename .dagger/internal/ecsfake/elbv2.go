package ecsfake

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
)

// listenerRule is what ECS needs to know about an ALB listener rule: the
// weight of each target group its forward action sends to, and whether it
// has actions other than that forward.
type listenerRule struct {
	weights      map[string]int
	otherActions bool
}

// ruleReader reads and rewrites listener rules; the ELBv2 API of moto in the
// stand-in, a map in unit tests.
type ruleReader interface {
	rule(arn string) (listenerRule, error)
	// setWeights points the rule's forward action at the given target
	// groups with the given traffic percentages (summing to 100).
	setWeights(arn string, percents map[string]float64) error
}

const elbv2Version = "2015-12-01"

type elbv2Rules struct{ q queryClient }

type xmlAction struct {
	Type           string `xml:"Type"`
	TargetGroupArn string `xml:"TargetGroupArn"`
	TargetGroups   []struct {
		TargetGroupArn string `xml:"TargetGroupArn"`
		Weight         int    `xml:"Weight"`
	} `xml:"ForwardConfig>TargetGroups>member"`
}

func (e elbv2Rules) rule(arn string) (listenerRule, error) {
	var out struct {
		Rules []struct {
			RuleArn string      `xml:"RuleArn"`
			Actions []xmlAction `xml:"Actions>member"`
		} `xml:"DescribeRulesResult>Rules>member"`
	}
	if err := e.q.call("elasticloadbalancing", elbv2Version, "DescribeRules", url.Values{"RuleArns.member.1": {arn}}, &out); err != nil {
		return listenerRule{}, err
	}
	if len(out.Rules) != 1 {
		return listenerRule{}, fmt.Errorf("rule %s not found", arn)
	}
	r := listenerRule{weights: map[string]int{}}
	for _, a := range out.Rules[0].Actions {
		if a.Type != "forward" {
			r.otherActions = true
			continue
		}
		if a.TargetGroupArn != "" && len(a.TargetGroups) == 0 {
			r.weights[a.TargetGroupArn] = 1
		}
		for _, tg := range a.TargetGroups {
			r.weights[tg.TargetGroupArn] = tg.Weight
		}
	}
	return r, nil
}

func (e elbv2Rules) setWeights(arn string, percents map[string]float64) error {
	params := url.Values{"RuleArn": {arn}, "Actions.member.1.Type": {"forward"}}
	for i, tg := range sortedKeys(percents) {
		p := fmt.Sprintf("Actions.member.1.ForwardConfig.TargetGroups.member.%d.", i+1)
		params.Set(p+"TargetGroupArn", tg)
		params.Set(p+"Weight", strconv.Itoa(elbWeight(percents[tg])))
	}
	return e.q.call("elasticloadbalancing", elbv2Version, "ModifyRule", params, nil)
}

// elbWeight maps a traffic percentage to an ALB target-group weight. ALB
// weights are integers 0–999 and relative, so 0.1 % steps need the whole range.
func elbWeight(percent float64) int { return int(math.Round(percent * 999 / 100)) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
