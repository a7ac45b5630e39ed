package cdkcmd

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Stack is a stack of a cloud assembly.
type Stack struct {
	// ID is the artifact id the CLI selects the stack by.
	ID string
	// Name is the CloudFormation stack name.
	Name string
	// Account and Region are the stack's environment (where the CLI
	// deploys it); empty when the app leaves them to the CLI
	// (unknown-account, unknown-region).
	Account, Region string
}

// StackOrder reads a cloud assembly's manifest.json and returns the selected
// stacks with the stacks they depend on, as cdk deploy selects them (every
// stack when selected is empty), so that each comes after the stacks it
// depends on: the order in which the change-set gate reviews and
// deploys them, one at a time. Ties keep name order, so the result is stable.
func StackOrder(manifest []byte, selected []string) ([]Stack, error) {
	var doc struct {
		Artifacts map[string]struct {
			Type         string   `json:"type"`
			Environment  string   `json:"environment"`
			Dependencies []string `json:"dependencies"`
			Properties   struct {
				StackName string `json:"stackName"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(manifest, &doc); err != nil {
		return nil, fmt.Errorf("reading the cloud assembly manifest: %w", err)
	}
	stacks := map[string]Stack{}
	for id, a := range doc.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		name := a.Properties.StackName
		if name == "" {
			name = id
		}
		account, region := stackEnvironment(a.Environment)
		stacks[id] = Stack{ID: id, Name: name, Account: account, Region: region}
	}
	want := map[string]bool{}
	for _, s := range selected {
		if _, ok := stacks[s]; !ok {
			ids := make([]string, 0, len(stacks))
			for id := range stacks {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			return nil, BadInput("stack", s, "one of the app's stacks: "+strings.Join(ids, ", "))
		}
		markWanted(s, want, func(id string) []string { return doc.Artifacts[id].Dependencies }, stacks)
	}
	ids := make([]string, 0, len(stacks))
	for id := range stacks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var order []Stack
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(id string, path []string) error
	visit = func(id string, path []string) error {
		switch state[id] {
		case 1:
			return fmt.Errorf("the cloud assembly's stacks depend on each other in a cycle: %s", strings.Join(append(path, id), " -> "))
		case 2:
			return nil
		}
		state[id] = 1
		deps := append([]string(nil), doc.Artifacts[id].Dependencies...)
		sort.Strings(deps)
		for _, d := range deps {
			if _, ok := stacks[d]; ok {
				if err := visit(d, append(path, id)); err != nil {
					return err
				}
			}
		}
		state[id] = 2
		if len(want) == 0 || want[id] {
			order = append(order, stacks[id])
		}
		return nil
	}
	for _, id := range ids {
		if err := visit(id, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// markWanted selects a stack and, transitively, the stacks it depends on.
func markWanted(id string, want map[string]bool, deps func(string) []string, stacks map[string]Stack) {
	if _, ok := stacks[id]; !ok || want[id] {
		return
	}
	want[id] = true
	for _, d := range deps(id) {
		markWanted(d, want, deps, stacks)
	}
}

// stackEnvironment splits a manifest environment, aws://ACCOUNT/REGION; the
// CLI's placeholders for "the credentials' own" read as empty.
func stackEnvironment(env string) (account, region string) {
	rest, ok := strings.CutPrefix(env, "aws://")
	if !ok {
		return "", ""
	}
	account, region, _ = strings.Cut(rest, "/")
	if account == "unknown-account" {
		account = ""
	}
	if region == "unknown-region" {
		region = ""
	}
	return account, region
}
