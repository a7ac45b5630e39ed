package bundle

import (
	"fmt"
)

// AppSpec rules. CodeDeploy publishes no machine-readable schema of the ECS
// appspec, so these follow its documentation page by page.

// addCollected reports the violations a shared check recorded in c.
func (r *run) addCollected(file string, c *collector) {
	for _, v := range c.vs {
		r.addf(file, v.Field, "%s", v.Message)
	}
}

// targetPath is the path of the single resource's properties, e.g.
// Resources.TargetService.Properties.
func (a *Artifacts) targetPath() string {
	for name := range a.AppSpec.Resources[0] {
		return "Resources[0]." + name + ".Properties"
	}
	return "Resources"
}

// version is 0.0, the only one CodeDeploy knows.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-version.html
func ruleAppSpecVersion(r *run) {
	if a := r.a.AppSpec; a != nil && a.Version != AppSpecVersion {
		got := a.Version
		if got == "" {
			got = "nothing"
		}
		r.addf(r.a.fileOf(FileAppSpec), "version", "must be 0.0, got %s", got)
	}
}

// An ECS appspec names exactly one resource, the service, of Type AWS::ECS::Service.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
func ruleAppSpecResources(r *run) {
	a := r.a.AppSpec
	if a == nil {
		return
	}
	file := r.a.fileOf(FileAppSpec)
	if n := countResources(a); n != 1 || len(a.Resources) != 1 {
		r.addf(file, "Resources", "must hold exactly one resource (the ECS service, e.g. TargetService), got %d", n)
	}
	for _, res := range a.Resources {
		for _, name := range sortedKeys(res) {
			if t := res[name].Type; t != ECSServiceType {
				r.addf(file, "Resources."+name+".Type", "must be %s, got %q", ECSServiceType, t)
			}
		}
	}
}

// TaskDefinition: the pipeline action puts the ARN it registers in place of
// <TASK_DEFINITION>; a deployment without the pipeline names a registered ARN.
// https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html
func ruleAppSpecTaskDefinition(r *run) {
	pr := r.a.target()
	if pr == nil {
		return
	}
	file, p := r.a.fileOf(FileAppSpec), r.a.targetPath()+".TaskDefinition"
	switch {
	case pr.TaskDefinition == "":
		r.addf(file, p, "is required: the task definition ARN, or %s for the pipeline", TaskDefinitionPlaceholder)
	case r.a.Mode == ModePipeline && pr.TaskDefinition != TaskDefinitionPlaceholder:
		r.addf(file, p, "must be %s in pipeline mode (the action fills it in), got %q", TaskDefinitionPlaceholder, pr.TaskDefinition)
	case r.a.Mode == ModeDirect && !taskDefARNRE.MatchString(pr.TaskDefinition):
		r.addf(file, p, "must be a task definition ARN in direct mode (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>), got %q", pr.TaskDefinition)
	}
}

// LoadBalancerInfo names the container and port the target groups route to.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
func ruleAppSpecLoadBalancer(r *run) {
	pr := r.a.target()
	if pr == nil {
		return
	}
	file, p := r.a.fileOf(FileAppSpec), r.a.targetPath()+".LoadBalancerInfo"
	lb := pr.LoadBalancerInfo
	if !containerRE.MatchString(lb.ContainerName) {
		r.addf(file, p+".ContainerName", "must be a container name (1-255 letters, digits, _ or -), got %q", lb.ContainerName)
	}
	if lb.ContainerPort < 1 || lb.ContainerPort > 65535 {
		r.addf(file, p+".ContainerPort", "must be 1–65535, got %d", lb.ContainerPort)
	}
}

// PlatformVersion is LATEST or a Fargate platform version such as 1.4.0.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
func ruleAppSpecPlatformVersion(r *run) {
	pr := r.a.target()
	if pr == nil || pr.PlatformVersion == "" {
		return
	}
	if !platformRE.MatchString(pr.PlatformVersion) {
		r.addf(r.a.fileOf(FileAppSpec), r.a.targetPath()+".PlatformVersion", "must be LATEST or a version such as 1.4.0, got %q", pr.PlatformVersion)
	}
}

// AwsvpcConfiguration: all of it or none; 1-16 subnets, 1-5 security groups,
// AssignPublicIp ENABLED or DISABLED.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html
func ruleAppSpecNetwork(r *run) {
	pr := r.a.target()
	if pr == nil || pr.NetworkConfiguration == nil {
		return
	}
	v := pr.NetworkConfiguration.AwsvpcConfiguration
	var c collector
	checkNetwork(&c, r.a.targetPath()+".NetworkConfiguration.AwsvpcConfiguration",
		&Network{Subnets: v.Subnets, SecurityGroups: v.SecurityGroups, AssignPublicIp: v.AssignPublicIp})
	r.addCollected(r.a.fileOf(FileAppSpec), &c)
}

// Capacity provider strategy limits.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
func ruleAppSpecStrategy(r *run) {
	pr := r.a.target()
	if pr == nil {
		return
	}
	var c collector
	checkStrategy(&c, r.a.targetPath()+".CapacityProviderStrategy", pr.CapacityProviderStrategy)
	r.addCollected(r.a.fileOf(FileAppSpec), &c)
}

// Hooks: ECS lifecycle events, one per list entry, each at most once, naming
// a Lambda function.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs
func ruleAppSpecHooks(r *run) {
	a := r.a.AppSpec
	if a == nil {
		return
	}
	file := r.a.fileOf(FileAppSpec)
	seen := map[string]bool{}
	var c collector
	for i, h := range a.Hooks {
		if len(h) != 1 {
			r.addf(file, fmt.Sprintf("Hooks[%d]", i), "must hold one event per list entry, got %d", len(h))
		}
		for _, name := range sortedKeys(h) {
			if seen[name] {
				r.addf(file, "Hooks."+name, "must be hooked at most once, got it twice")
			}
			seen[name] = true
		}
		checkHooks(&c, "Hooks", h)
	}
	r.addCollected(file, &c)
}

// The appspec's container must be in the task definition and map the port.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
func ruleAppSpecContainerPort(r *run) {
	pr, td := r.a.target(), r.a.TaskDef
	if pr == nil || td == nil || pr.LoadBalancerInfo.ContainerName == "" {
		return
	}
	file, p := r.a.fileOf(FileAppSpec), r.a.targetPath()+".LoadBalancerInfo"
	name, port := pr.LoadBalancerInfo.ContainerName, pr.LoadBalancerInfo.ContainerPort
	cd := findContainer(td, name)
	if cd == nil {
		for i, c := range td.ContainerDefinitions {
			if c.Name == nil && r.a.isDamaged(r.a.fileOf(FileTaskDef), containerPath(td, i)+".name") {
				return // the name the decoder could not read may be this one
			}
		}
		r.addf(file, p+".ContainerName", "must be a container of %s (%s), got %q", r.a.fileOf(FileTaskDef), containerNames(td), name)
		return
	}
	if mapped, ports := mapsPort(cd, port); !mapped {
		r.addf(file, p+".ContainerPort", "must be a containerPort of container %q (%s), got %d", name, listOrNone(ports), port)
	}
}

// A NetworkConfiguration applies only to tasks in the awsvpc network mode.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
func ruleAppSpecNetworkMode(r *run) {
	pr, td := r.a.target(), r.a.TaskDef
	if pr == nil || td == nil || pr.NetworkConfiguration == nil {
		return
	}
	if mode := networkMode(td); mode != "awsvpc" {
		r.addf(r.a.fileOf(FileAppSpec), r.a.targetPath()+".NetworkConfiguration",
			"must be left out: %s has network mode %s, and only awsvpc tasks take a network configuration", r.a.fileOf(FileTaskDef), mode)
	}
}

// PlatformVersion applies only to Fargate.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
func ruleAppSpecPlatformFargate(r *run) {
	pr, td := r.a.target(), r.a.TaskDef
	if pr == nil || td == nil || pr.PlatformVersion == "" || !excludesFargate(td) {
		return
	}
	r.addf(r.a.fileOf(FileAppSpec), r.a.targetPath()+".PlatformVersion",
		"must be left out: it applies to Fargate only, and the requiresCompatibilities of %s do not include FARGATE", r.a.fileOf(FileTaskDef))
}
