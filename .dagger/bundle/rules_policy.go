package bundle

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Policy rules: AWS accepts these, a careful team does not. They are
// warnings in validate by default and errors inside release.

// pinned reports whether an image reference names a sha256 digest.
func pinned(image string) bool {
	_, digest, ok := strings.Cut(image, "@")
	return ok && digestRE.MatchString(digest)
}

// Every image is pinned by digest: a tag can move between the test and the
// deployment, a digest cannot.
func ruleImagePinned(r *run) {
	const msg = "should be pinned by digest (…@sha256:<64 hex digits>) so what runs is what was tested, got %q"
	if td := r.a.TaskDef; td != nil {
		for i, cd := range td.ContainerDefinitions {
			if image := aws.ToString(cd.Image); image != "" && !isPlaceholder(image) && !pinned(image) {
				r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".image", msg, image)
			}
		}
	}
	if d := r.a.ImageDetail; d != nil && d.ImageURI != "" && !pinned(d.ImageURI) {
		r.addf(r.a.fileOf(FileImageDetail), "ImageURI", msg, d.ImageURI)
	}
	for i, d := range r.a.ImageDefinitions {
		if d.ImageURI != "" && !pinned(d.ImageURI) {
			r.addf(r.a.fileOf(FileImageDefinitions), "["+strconv.Itoa(i)+"].imageUri", msg, d.ImageURI)
		}
	}
}

// In pipeline mode one image is the placeholder, and it is the image of the
// container the load balancer routes to: that is the image the pipeline built.
func rulePipelinePlaceholder(r *run) {
	td := r.a.TaskDef
	if r.a.Mode != ModePipeline || td == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	ph := r.a.imagePlaceholders()
	switch {
	case len(ph) == 0:
		r.addf(file, "containerDefinitions[].image", "should hold one placeholder such as %s in pipeline mode; none does, so the built image would never be deployed", ImagePlaceholder)
		return
	case len(ph) > 1:
		r.addf(file, "containerDefinitions[].image", "should hold one placeholder (the app container's) in pipeline mode, got %d: %s", len(ph), strings.Join(ph, ", "))
		return
	}
	pr := r.a.target()
	if pr == nil {
		return
	}
	if cd := findContainer(td, pr.LoadBalancerInfo.ContainerName); cd != nil && !isPlaceholder(aws.ToString(cd.Image)) {
		r.addf(file, ph[0], "should be the image of %q, the container %s routes to; the placeholder is on another container", pr.LoadBalancerInfo.ContainerName, r.a.fileOf(FileAppSpec))
	}
}

// Tasks sit behind the load balancer in private subnets: no public IP.
func rulePublicIP(r *run) {
	pr := r.a.target()
	if pr == nil || pr.NetworkConfiguration == nil {
		return
	}
	if strings.EqualFold(pr.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, "ENABLED") {
		r.addf(r.a.fileOf(FileAppSpec), r.a.targetPath()+".NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
			"should be DISABLED: tasks behind a load balancer need no public IP, got ENABLED")
	}
}

// Every container's logs go somewhere; without a log configuration they are
// lost with the task.
func ruleContainerLogging(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		if cd.LogConfiguration == nil {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".logConfiguration", "should be set (e.g. awslogs): without it the container's logs are lost with the task")
		}
	}
}

// No privileged containers (Fargate refuses them outright: fargate-unsupported).
func ruleNoPrivileged(r *run) {
	td := r.a.TaskDef
	if td == nil || isFargate(td) {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		if aws.ToBool(cd.Privileged) {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".privileged", "should be false: a privileged container has root on the host")
		}
	}
}
