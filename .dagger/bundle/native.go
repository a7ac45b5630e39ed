package bundle

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// RenderNative renders the pipeline artifacts of an ecs-mode release (the
// ECS controller's own blue/green, linear or canary): imagedefinitions.json
// for CodePipeline's ECS deploy action, which registers a revision of the
// running task definition with the new image and updates the service, and
// release.json. The task definition is checked as for any release (the
// container and its port must exist); both files are then checked together
// by the artifact rules, release.json's image and SHA-256 against
// imagedefinitions.json. Every violation is reported at once.
func RenderNative(in Input) (map[string][]byte, error) {
	var c collector
	reg, img := prepare(&c, in, false)
	if !c.ok() {
		return nil, c.err()
	}
	defs, err := RenderImageDefinitions([]ImageDefinition{{Name: in.ContainerName, ImageURI: img.URI}})
	if err != nil {
		return nil, err
	}
	rel := Release{
		Mode: in.Mode, ImageURI: img.URI, Registry: img.Registry, Repository: img.Repository,
		Digest: img.Digest, Tag: img.Tag, GitRevision: in.GitRevision, TaskFamily: aws.ToString(reg.Family),
		ContainerName: in.ContainerName, ContainerPort: in.ContainerPort, Attestations: in.Attestations,
		Files: map[string]string{FileImageDefinitions: sha256Hex(defs)},
	}
	if !in.Timestamp.IsZero() {
		rel.Timestamp = in.Timestamp.UTC().Format(time.RFC3339)
	}
	summary, err := marshalIndent(rel)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{FileImageDefinitions: defs, FileRelease: summary}
	if vs := Check(files, releaseOptions(in.Mode)).Violations(); len(vs) > 0 {
		return nil, vs
	}
	return files, nil
}
