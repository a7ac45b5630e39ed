package changeset

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// codeDeployUpdatable are the service properties UpdateService changes on
// a CODE_DEPLOY service (the ECS API reference: desired count, deployment
// configuration, health check grace period, placement constraints and
// strategies, managed tags, tag propagation); tags go through TagResource.
// Every other property is refused by ECS for that controller, and
// CloudFormation finds out only mid-update.
var codeDeployUpdatable = map[string]bool{
	"DesiredCount": true, "DeploymentConfiguration": true, "HealthCheckGracePeriodSeconds": true,
	"PlacementConstraints": true, "PlacementStrategies": true, "EnableECSManagedTags": true,
	"PropagateTags": true, "Tags": true,
}

func judgeUpdate(f Finding, rc types.ResourceChange, live Live) Finding {
	switch f.ResourceType {
	case "AWS::ECS::Service":
		codeDeploy := live.Mode == ModeCodeDeploy || controller(rc) == "CODE_DEPLOY"
		if codeDeploy && afterController(rc) == "ECS" {
			// The codedeploy → ecs migration: UpdateService takes the
			// controller switch together with the new load balancer and
			// deployment settings, so the CODE_DEPLOY limits do not apply.
			return care(f, "deployment controller CODE_DEPLOY → ECS: the live service moves to ECS-native deployments in place (the codedeploy → ecs migration)")
		}
		var refused []string
		for _, p := range f.Properties {
			if !codeDeployUpdatable[p.Name] && !slices.Contains(refused, p.Name) {
				refused = append(refused, p.Name)
			}
		}
		if codeDeploy && len(refused) > 0 {
			return refuse(f, CodeDeployServiceUpdate, fmt.Sprintf("%s of a CODE_DEPLOY service cannot be changed by CloudFormation (UpdateService refuses it for that controller: the update fails late, mid-way); a task definition reaches the service with the next release (through CodeDeploy); other properties need the service replaced or the codedeploy → ecs migration", strings.Join(refused, " and ")))
		}
		if changed := f.changed("TaskDefinition", "LoadBalancers"); len(changed) > 0 {
			return care(f, strings.Join(changed, " and ")+" change: ECS starts a deployment of the service")
		}
		return care(f, "in-place update of the live service")
	case "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule":
		changed := f.changed("Actions", "DefaultActions")
		if len(changed) > 0 && live.Mode == ModeECS {
			return refuse(f, ListenerWeightReset, fmt.Sprintf("%s would be rewritten from the template, resetting the traffic weights ECS has shifted between the target groups", strings.Join(changed, " and ")))
		}
		if len(changed) > 0 {
			// A rewritten forward (a target group attached, a weight
			// changed) moves live traffic like a new rule: deployments
			// move these forwards, and the template must send traffic
			// where it goes now.
			return judgeRoute(f, rewrittenRoute(rc), live)
		}
		return care(f, "in-place update of a listener on the traffic path")
	}
	switch {
	case isIAM(f.ResourceType):
		return care(f, "permissions change: read what is granted or removed")
	case strings.HasPrefix(f.ResourceType, "AWS::EC2::SecurityGroup"):
		return care(f, "network access change")
	}
	f.Reason = "in-place update"
	return f
}

// controller reads DeploymentController.Type from the resource's property
// values (present when the change set was created with property values),
// before the change when known.
func controller(rc types.ResourceChange) string {
	return controllerIn(rc.BeforeContext, rc.AfterContext)
}

// afterController is DeploymentController.Type after the change.
func afterController(rc types.ResourceChange) string { return controllerIn(rc.AfterContext) }

func controllerIn(contexts ...*string) string {
	for _, ctx := range contexts {
		if ctx == nil {
			continue
		}
		var doc struct {
			DeploymentController *struct{ Type string }
			Properties           *struct{ DeploymentController *struct{ Type string } }
		}
		if json.Unmarshal([]byte(*ctx), &doc) != nil {
			continue
		}
		if doc.DeploymentController != nil && doc.DeploymentController.Type != "" {
			return doc.DeploymentController.Type
		}
		if doc.Properties != nil && doc.Properties.DeploymentController != nil {
			return doc.Properties.DeploymentController.Type
		}
	}
	return ""
}
