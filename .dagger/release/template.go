package release

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/taskdefdiff"
)

// derive returns a task definition as RegisterTaskDefinition takes it, with
// the tags deploy.CopiedTags keeps and, when imageURI is not empty, the app
// container's image replaced.
func (p *Plan) derive(td *ecstypes.TaskDefinition, tags []ecstypes.Tag, imageURI string) *ecs.RegisterTaskDefinitionInput {
	in := bundle.RegisterFromDescribed(td, deploy.CopiedTags(tags))
	for i := range in.ContainerDefinitions {
		if imageURI != "" && aws.ToString(in.ContainerDefinitions[i].Name) == p.Target.ContainerName {
			in.ContainerDefinitions[i].Image = aws.String(imageURI)
		}
	}
	return in
}

// Diff is how the revision a release registers differs from the one the
// service runs now.
type Diff struct {
	// Template and Running name the two revisions (family:revision).
	Template, Running string
	// Image is the release's image; RunningImage the app container's image
	// now.
	Image, RunningImage string
	// ConfigurationOnly is set when the release's image is the one running
	// now (same repository and digest): the release rolls out the template's
	// configuration alone.
	ConfigurationOnly bool
	// Changes are the differences, sorted. The module's own tags are left
	// out on both sides (a release always carries a new id), and so is the
	// app image's line when only its spelling differs (a tag beside the same
	// digest) or when ViaECSAction (the action sets that image itself).
	Changes taskdefdiff.Changes
	// ViaECSAction is set for the pipeline artifacts of an ecs-mode stack:
	// CodePipeline's ECS deploy action derives the new revision from the
	// running one, so the template's changes do not reach production that
	// way.
	ViaECSAction bool
}

// Diff compares the revision a release of imageURI registers (the template
// of record with the release's image and tags) with the one the service
// runs now.
func (p *Plan) Diff(opts Options, imageURI string) (Diff, error) {
	running := p.Running
	if running == nil {
		running = p.TaskDefinition
	}
	d := Diff{
		Template:     revisionName(p.TaskDefinition),
		Running:      revisionName(running),
		Image:        imageURI,
		RunningImage: appImage(running, p.Target.ContainerName),
		ViaECSAction: p.Native() && opts.Mode == bundle.ModePipeline,
	}
	d.ConfigurationOnly = sameImage(d.Image, d.RunningImage)
	changes, err := taskdefdiff.Compare(p.derive(running, p.RunningTags, ""), p.derive(p.TaskDefinition, p.Tags, imageURI))
	if err != nil {
		return d, fmt.Errorf("comparing the release's task definition with %s that runs now: %w", d.Running, err)
	}
	appImageLine := "container " + p.Target.ContainerName + ": image"
	for _, c := range changes {
		if c.Path == appImageLine && (d.ConfigurationOnly || d.ViaECSAction) {
			continue
		}
		d.Changes = append(d.Changes, c)
	}
	return d, nil
}

// String is what a release prints before it registers anything (or, for
// pipeline artifacts, before it writes them).
func (d Diff) String() string {
	var b strings.Builder
	switch {
	case d.ViaECSAction:
		if len(d.Changes) == 0 {
			return ""
		}
		fmt.Fprintf(&b, "the pipeline's ECS deploy action derives the new revision from %s, which runs now, replacing only the app image: these changes of the template of record %s do not reach production that way (release --deploy rolls them out):\n", d.Running, d.Template)
		b.WriteString(d.Changes.Lines("  "))
		return b.String()
	case d.ConfigurationOnly && len(d.Changes) == 0:
		fmt.Fprintf(&b, "configuration-only release with nothing to change: the image %s and the configuration of the template of record %s are what runs now (%s); the release deploys them again as they are\n", d.Image, d.Template, d.Running)
		return b.String()
	case d.ConfigurationOnly:
		fmt.Fprintf(&b, "configuration-only release: the image stays %s; the template of record %s differs from %s, which runs now:\n", d.Image, d.Template, d.Running)
	case d.Template == d.Running:
		fmt.Fprintf(&b, "release of the template of record %s, which runs now; what changes:\n", d.Template)
	default:
		fmt.Fprintf(&b, "release of the template of record %s; what changes from %s, which runs now:\n", d.Template, d.Running)
	}
	b.WriteString(d.Changes.Lines("  "))
	return b.String()
}

// revisionName is family:revision, as the ECS console shows a revision.
func revisionName(td *ecstypes.TaskDefinition) string {
	if td == nil {
		return "(none)"
	}
	return fmt.Sprintf("%s:%d", aws.ToString(td.Family), td.Revision)
}

// appImage is the image of the named container, or "".
func appImage(td *ecstypes.TaskDefinition, container string) string {
	if td == nil {
		return ""
	}
	for _, c := range td.ContainerDefinitions {
		if aws.ToString(c.Name) == container {
			return aws.ToString(c.Image)
		}
	}
	return ""
}

// sameImage reports whether two references name the same image: the same
// repository and digest (a tag beside the digest does not matter), or, for
// references without a digest, the same text.
func sameImage(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	x, errA := bundle.ParseImage(a)
	y, errB := bundle.ParseImage(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return x.Registry == y.Registry && x.Repository == y.Repository && x.Digest == y.Digest
}
