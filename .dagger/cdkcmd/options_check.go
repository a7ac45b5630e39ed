package cdkcmd

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// validate checks every option of one invocation before any argv is built,
// so a bad input never reaches the CDK CLI.
func validate(o Options) error {
	switch o.Command {
	case Synth, Diff, Deploy, Bootstrap:
	default:
		return BadInput("CDK command", string(o.Command), "one of synth, diff, deploy, bootstrap")
	}
	if o.Region != "" || o.Command != Synth {
		if err := ValidateRegion(o.Region); err != nil {
			return err
		}
	}
	if o.Account != "" {
		if err := ValidateAccount(o.Account); err != nil {
			return err
		}
		if o.Region == "" {
			return fmt.Errorf("account %s needs a region too: stacks are bound to both or to neither", o.Account)
		}
	}
	seen := map[string]bool{}
	for _, s := range o.Stacks {
		if err := ValidateStackName(s); err != nil {
			return err
		}
		if seen[s] {
			return BadInput("stack", s, "each stack at most once")
		}
		seen[s] = true
	}
	if o.Command == Bootstrap {
		if len(o.Stacks) > 0 || o.All {
			return errors.New("cdk bootstrap takes environments (aws://account/region), not stacks")
		}
		for _, e := range o.Environments {
			if err := ValidateEnvironment(e); err != nil {
				return err
			}
		}
	} else if len(o.Environments) > 0 {
		return fmt.Errorf("environments are only for cdk bootstrap, not cdk %s", o.Command)
	}
	if o.All && len(o.Stacks) > 0 {
		return fmt.Errorf("select stacks either by name (%v) or with all, not both", o.Stacks)
	}
	if o.Command == Deploy && !o.All && len(o.Stacks) == 0 {
		return errors.New("cdk deploy needs the stacks to deploy: name them or select all")
	}
	if o.ApproveAll && o.Command != Deploy {
		return fmt.Errorf("approving all changes only applies to cdk deploy, not cdk %s", o.Command)
	}
	if o.OutputsFile != "" && o.Command != Deploy {
		return fmt.Errorf("an outputs file is only written by cdk deploy, not cdk %s", o.Command)
	}
	if o.Method != "" {
		if o.Command != Deploy {
			return fmt.Errorf("a deploy method only applies to cdk deploy, not cdk %s", o.Command)
		}
		if _, err := ParseDeployMethod(string(o.Method)); err != nil && o.Method != MethodPrepare {
			return err
		}
	}
	if o.ChangeSetName != "" {
		if o.Command != Deploy || o.Method == MethodDirect {
			return fmt.Errorf("a change set name only applies to cdk deploy with change sets, not cdk %s --method %s", o.Command, o.Method)
		}
		if err := ValidateChangeSetName(o.ChangeSetName); err != nil {
			return err
		}
	}
	if o.Method == MethodPrepare && o.ChangeSetName == "" {
		return errors.New("preparing a change set for review needs its name")
	}
	if o.Exclusively && o.Command != Deploy {
		return fmt.Errorf("exclusively only applies to cdk deploy, not cdk %s", o.Command)
	}
	if o.DiffMethod != "" {
		if o.Command != Diff {
			return fmt.Errorf("a diff method only applies to cdk diff, not cdk %s", o.Command)
		}
		if _, err := ParseDiffMethod(string(o.DiffMethod)); err != nil {
			return err
		}
	}
	if err := validateRollback(o); err != nil {
		return err
	}
	if o.Quiet && o.Command != Synth {
		return fmt.Errorf("quiet only applies to cdk synth, not cdk %s", o.Command)
	}
	for k, v := range o.Context {
		if err := ValidateContextKey(k); err != nil {
			return err
		}
		if _, err := ParseContext([]string{k + "=" + v}); err != nil {
			return err
		}
	}
	return nil
}

// alarmArnRe is a CloudWatch alarm ARN.
var alarmArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:[^\s]{1,255}$`)

// validateRollback checks the rollback triggers: deploy only, at most five
// alarm ARNs (CloudFormation's limit), a monitoring time of 0-180 minutes.
func validateRollback(o Options) error {
	if len(o.RollbackAlarms) == 0 {
		if o.MonitoringMinutes != 0 {
			return fmt.Errorf("a monitoring time of %d minutes needs rollback alarms", o.MonitoringMinutes)
		}
		return nil
	}
	if o.Command != Deploy {
		return fmt.Errorf("rollback alarms only apply to cdk deploy, not cdk %s", o.Command)
	}
	if len(o.RollbackAlarms) > 5 {
		return BadInput("rollback alarms", strings.Join(o.RollbackAlarms, ","), "at most 5 alarm ARNs (a CloudFormation limit)")
	}
	for _, a := range o.RollbackAlarms {
		if !alarmArnRe.MatchString(a) {
			return BadInput("rollback alarm", a, "a CloudWatch alarm ARN arn:aws:cloudwatch:<region>:<account>:alarm:<name>")
		}
	}
	if o.MonitoringMinutes < 0 || o.MonitoringMinutes > 180 {
		return BadInput("monitoring time", strconv.Itoa(o.MonitoringMinutes), "0 to 180 minutes")
	}
	return nil
}
