package bundle

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Rules between files, and the mode rules.

// In direct mode nothing fills placeholders in: ECS would try to pull "<IMAGE1_NAME>".
// https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html
func ruleDirectNoPlaceholder(r *run) {
	if r.a.Mode != ModeDirect {
		return
	}
	for _, p := range r.a.imagePlaceholders() {
		r.addf(r.a.fileOf(FileTaskDef), p, "must be a real image in direct mode, got a pipeline placeholder; nothing will fill it in")
	}
}

// In direct mode the appspec's container runs the image of imageDetail.json,
// which is the image the release built.
func ruleDirectImageMatches(r *run) {
	pr, td, img := r.a.target(), r.a.TaskDef, r.a.ImageDetail
	if r.a.Mode != ModeDirect || pr == nil || td == nil || img == nil {
		return
	}
	for i := range td.ContainerDefinitions {
		cd := td.ContainerDefinitions[i]
		if aws.ToString(cd.Name) != pr.LoadBalancerInfo.ContainerName {
			continue
		}
		if image := aws.ToString(cd.Image); image != img.ImageURI && !isPlaceholder(image) {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".image",
				"must be the image of %s (%q) in direct mode, got %q", r.a.fileOf(FileImageDetail), img.ImageURI, image)
		}
	}
}

// In direct mode the appspec's ARN is a revision of the task definition's family.
func ruleDirectARNFamily(r *run) {
	pr, td := r.a.target(), r.a.TaskDef
	if r.a.Mode != ModeDirect || pr == nil || td == nil || td.Family == nil {
		return
	}
	if m := taskDefARNRE.FindStringSubmatch(pr.TaskDefinition); m != nil && m[2] != *td.Family {
		r.addf(r.a.fileOf(FileAppSpec), r.a.targetPath()+".TaskDefinition",
			"must be a revision of family %q (%s), got family %q", *td.Family, r.a.fileOf(FileTaskDef), m[2])
	}
}

// imageDetail.json's ImageURI is an image reference; the ECR source action's
// ImageDigest, when present, is the digest the URI pins.
// https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html#file-reference-ecs-bluegreen
func ruleImageDetailURI(r *run) {
	d := r.a.ImageDetail
	if d == nil {
		return
	}
	file := r.a.fileOf(FileImageDetail)
	if !imageRefRE.MatchString(d.ImageURI) || isPlaceholder(d.ImageURI) {
		r.addf(file, "ImageURI", "must be an image reference such as <registry>/<repository>@sha256:<digest>, got %q", d.ImageURI)
		return
	}
	if _, digest, ok := strings.Cut(d.ImageURI, "@"); ok && d.ImageDigest != "" && digest != d.ImageDigest {
		r.addf(file, "ImageDigest", "must be the digest ImageURI pins (%s), got %q", digest, d.ImageDigest)
	}
}

// imagedefinitions.json: each entry names a container once, with an image;
// with the task definition at hand, the container must be in it.
// https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html#pipelines-create-image-definitions
func ruleImageDefinitionsEntries(r *run) {
	defs := r.a.ImageDefinitions
	file := r.a.fileOf(FileImageDefinitions)
	seen := map[string]bool{}
	for i, d := range defs {
		p := "[" + strconv.Itoa(i) + "]"
		switch {
		case d.Name == "":
			r.addf(file, p+".name", "is required: the container to update")
		case seen[d.Name]:
			r.addf(file, p+".name", "must name each container once, got %q twice", d.Name)
		case r.a.TaskDef != nil && findContainer(r.a.TaskDef, d.Name) == nil:
			r.addf(file, p+".name", "must be a container of %s (%s), got %q", r.a.fileOf(FileTaskDef), containerNames(r.a.TaskDef), d.Name)
		}
		seen[d.Name] = true
		if !imageRefRE.MatchString(d.ImageURI) {
			r.addf(file, p+".imageUri", "must be an image reference, got %q", d.ImageURI)
		}
	}
}

// release.json agrees with the files it summarizes.
func ruleReleaseConsistency(r *run) {
	if r.a.Release == nil {
		return
	}
	var img *Image
	if r.a.ImageDetail != nil {
		if parsed, err := ParseImage(r.a.ImageDetail.ImageURI); err == nil {
			img = &parsed
		}
	}
	var c collector
	checkRelease(&c, r.a.raw[FileRelease], r.a.raw, r.a.Mode, img, r.a.AppSpec)
	for _, v := range c.vs {
		r.addf(r.a.fileOf(FileRelease), strings.TrimPrefix(strings.TrimPrefix(v.Field, FileRelease), ": "), "%s", v.Message)
	}
}
