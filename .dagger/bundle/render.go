package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Bundle is a rendered, validated deployment bundle.
type Bundle struct {
	// Image is the parsed image reference the release deploys.
	Image Image
	// TaskDefinition is the RegisterTaskDefinition input taskdef.json encodes.
	TaskDefinition *ecs.RegisterTaskDefinitionInput
	// AppSpec is the appspec appspec.yaml encodes.
	AppSpec *AppSpec
	// Release is the summary release.json encodes.
	Release Release

	imageDetail, taskdef, appspec, release []byte
}

// Release is the machine-readable summary written as release.json.
type Release struct {
	// Mode is pipeline or direct.
	Mode Mode `json:"mode"`
	// ImageURI is the digest-pinned image.
	ImageURI string `json:"imageUri"`
	// Registry is the image's registry host.
	Registry string `json:"registry"`
	// Repository is the image's repository.
	Repository string `json:"repository"`
	// Digest is the image digest (sha256:…).
	Digest string `json:"digest"`
	// Tag is the tag pushed with the digest, if any.
	Tag string `json:"tag,omitempty"`
	// GitRevision is the source commit, if known.
	GitRevision string `json:"gitRevision,omitempty"`
	// TaskFamily is the task definition family.
	TaskFamily string `json:"taskFamily"`
	// TaskDefinitionArn is the registered revision (direct mode).
	TaskDefinitionArn string `json:"taskDefinitionArn,omitempty"`
	// ContainerName is the app container.
	ContainerName string `json:"containerName"`
	// ContainerPort is the port behind the load balancer.
	ContainerPort int32 `json:"containerPort"`
	// Timestamp is the caller's release time, RFC 3339 in UTC, if given.
	Timestamp string `json:"timestamp,omitempty"`
	// Files maps each other artifact's name to its hex SHA-256, so a consumer
	// can tell the files belong together.
	Files map[string]string `json:"files"`
	// Attestations lists the SBOM and provenance attached to the image's
	// platform manifests as OCI referrers, if any.
	Attestations []Attestation `json:"attestations,omitempty"`
}

// Files returns the artifacts by file name: imageDetail.json, taskdef.json,
// appspec.yaml and release.json. The map is fresh; the byte slices are shared.
func (b *Bundle) Files() map[string][]byte {
	return map[string][]byte{
		FileImageDetail: b.imageDetail,
		FileTaskDef:     b.taskdef,
		FileAppSpec:     b.appspec,
		FileRelease:     b.release,
	}
}

// AppSpecContent returns appspec.yaml with its SHA-256, for CodeDeploy
// CreateDeployment with an AppSpecContent revision (direct mode).
func (b *Bundle) AppSpecContent() AppSpecContent { return NewAppSpecContent(b.appspec) }

// RenderTaskDefinition validates the task-definition part of in and returns
// taskdef.json. Direct mode uses it first: register the result (RegisterInput
// decodes it), then Render with the returned ARN. TaskDefinitionArn is not
// needed here.
func RenderTaskDefinition(in Input) ([]byte, error) {
	var c collector
	reg, _ := prepare(&c, in, false)
	if !c.ok() {
		return nil, c.err()
	}
	return encodeTaskDef(reg)
}

// Render validates in and renders the bundle. Every violation is reported at
// once, as Violations, and nothing is returned unless all files are valid.
func Render(in Input) (*Bundle, error) {
	var c collector
	reg, img := prepare(&c, in, true)
	if !c.ok() {
		return nil, c.err()
	}
	spec := buildAppSpec(in)
	b := &Bundle{Image: img, TaskDefinition: reg, AppSpec: spec}
	var err error
	if b.taskdef, err = encodeTaskDef(reg); err != nil {
		return nil, err
	}
	if b.appspec, err = encodeAppSpec(spec); err != nil {
		return nil, err
	}
	if b.imageDetail, err = marshalIndent(imageDetail{ImageURI: img.URI}); err != nil {
		return nil, err
	}
	b.Release = Release{
		Mode: in.Mode, ImageURI: img.URI, Registry: img.Registry, Repository: img.Repository,
		Digest: img.Digest, Tag: img.Tag, GitRevision: in.GitRevision, TaskFamily: aws.ToString(reg.Family),
		ContainerName: in.ContainerName, ContainerPort: in.ContainerPort, Attestations: in.Attestations,
		Files: map[string]string{
			FileImageDetail: sha256Hex(b.imageDetail),
			FileTaskDef:     sha256Hex(b.taskdef),
			FileAppSpec:     sha256Hex(b.appspec),
		},
	}
	if in.Mode == ModeDirect {
		b.Release.TaskDefinitionArn = in.TaskDefinitionArn
	}
	if !in.Timestamp.IsZero() {
		b.Release.Timestamp = in.Timestamp.UTC().Format(time.RFC3339)
	}
	if b.release, err = marshalIndent(b.Release); err != nil {
		return nil, err
	}
	// The files are checked exactly as artifacts from elsewhere would be, so
	// Render can never hand out a bundle ValidateFiles refuses.
	if err := ValidateFiles(b.Files(), in.Mode); err != nil {
		return nil, fmt.Errorf("rendered bundle failed its own validation (a bug): %w", err)
	}
	return b, nil
}

// imageDetail is the document the CodeDeploy-to-ECS action reads.
type imageDetail struct {
	// ImageURI is the digest-pinned image; the name is case-sensitive.
	ImageURI string `json:"ImageURI"`
}

// prepare validates in and returns the RegisterTaskDefinition input with the
// app container's image set for the mode. withARN checks the direct-mode
// TaskDefinitionArn, which only exists after registering.
func prepare(c *collector, in Input, withARN bool) (*ecs.RegisterTaskDefinitionInput, Image) {
	if _, err := ParseMode(string(in.Mode)); err != nil {
		c.addf("Input.Mode", "%v", err)
	}
	img, err := ParseImage(in.ImageURI)
	if err != nil {
		c.addf("Input.ImageURI", "%v", err)
	}
	if !containerRE.MatchString(in.ContainerName) {
		c.addf("Input.ContainerName", "%q is not a container name; want 1-255 letters, digits, _ or - (stack output ContainerName)", in.ContainerName)
	}
	if in.ContainerPort < 1 || in.ContainerPort > 65535 {
		c.addf("Input.ContainerPort", "%d is not a port; want 1 to 65535 (stack output ContainerPort)", in.ContainerPort)
	}
	var reg *ecs.RegisterTaskDefinitionInput
	switch {
	case in.TaskDefinition != nil && in.TaskDefinitionJSON != nil:
		c.addf("Input.TaskDefinition", "and Input.TaskDefinitionJSON are both set; give one source of the task definition")
	case in.TaskDefinition != nil:
		reg = RegisterFromDescribed(in.TaskDefinition, in.Tags)
	case in.TaskDefinitionJSON != nil:
		reg = decodeTaskDef(c, FileTaskDef, in.TaskDefinitionJSON)
		if reg != nil && len(in.Tags) > 0 {
			reg.Tags = in.Tags
		}
	default:
		c.addf("Input.TaskDefinition", "is missing; give the described task definition or Input.TaskDefinitionJSON")
	}
	if reg != nil {
		if cd := findContainer(reg, in.ContainerName); cd != nil {
			cd.Image = aws.String(in.ImageURI)
			if in.Mode == ModePipeline {
				cd.Image = aws.String(ImagePlaceholder)
			}
		}
		checkContainerPort(c, "Input", reg, in.ContainerName, in.ContainerPort)
		if in.Mode == ModePipeline || in.Mode == ModeDirect {
			checkParsed(c, &Artifacts{Mode: in.Mode, TaskDef: reg})
		}
	}
	if withARN {
		checkARN(c, in, reg)
	}
	if in.PlatformVersion != "" && !platformRE.MatchString(in.PlatformVersion) {
		c.addf("Input.PlatformVersion", "%q is not accepted; want LATEST or a version such as 1.4.0", in.PlatformVersion)
	}
	checkNetwork(c, "Input.Network", in.Network)
	checkStrategy(c, "Input.CapacityProviderStrategy", strategy(in))
	checkHooks(c, "Input.Hooks", in.Hooks)
	if in.GitRevision != "" && !gitRevRE.MatchString(in.GitRevision) {
		c.addf("Input.GitRevision", "%q is not a commit id; want 7 to 64 lowercase hex digits", in.GitRevision)
	}
	return reg, img
}

// checkARN records a direct-mode ARN that is missing, malformed or of another
// family, and an ARN given in pipeline mode (where the pipeline registers).
func checkARN(c *collector, in Input, reg *ecs.RegisterTaskDefinitionInput) {
	switch in.Mode {
	case ModePipeline:
		if in.TaskDefinitionArn != "" {
			c.addf("Input.TaskDefinitionArn", "%q is set in pipeline mode; leave it empty, the pipeline registers taskdef.json and fills in %s", in.TaskDefinitionArn, TaskDefinitionPlaceholder)
		}
	case ModeDirect:
		m := taskDefARNRE.FindStringSubmatch(in.TaskDefinitionArn)
		switch {
		case m == nil:
			c.addf("Input.TaskDefinitionArn", "%q is not a task definition ARN; direct mode needs arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>", in.TaskDefinitionArn)
		case reg != nil && reg.Family != nil && m[2] != *reg.Family:
			c.addf("Input.TaskDefinitionArn", "%q is of family %q, but the task definition's family is %q", in.TaskDefinitionArn, m[2], *reg.Family)
		}
	}
}

// strategy converts the service's capacity provider strategy to the appspec form.
func strategy(in Input) []CapacityProvider {
	var out []CapacityProvider
	for _, it := range in.CapacityProviderStrategy {
		out = append(out, CapacityProvider{Base: it.Base, CapacityProvider: aws.ToString(it.CapacityProvider), Weight: it.Weight})
	}
	return out
}

// buildAppSpec assembles the appspec of a validated input.
func buildAppSpec(in Input) *AppSpec {
	pr := AppSpecProperties{
		TaskDefinition:           TaskDefinitionPlaceholder,
		LoadBalancerInfo:         LoadBalancerInfo{ContainerName: in.ContainerName, ContainerPort: in.ContainerPort},
		PlatformVersion:          in.PlatformVersion,
		CapacityProviderStrategy: strategy(in),
	}
	if in.Mode == ModeDirect {
		pr.TaskDefinition = in.TaskDefinitionArn
	}
	if n := in.Network; n != nil {
		pr.NetworkConfiguration = &NetworkConfiguration{AwsvpcConfiguration: AwsvpcConfiguration{
			Subnets: n.Subnets, SecurityGroups: n.SecurityGroups, AssignPublicIp: n.AssignPublicIp,
		}}
	}
	spec := &AppSpec{
		Version:   AppSpecVersion,
		Resources: []map[string]AppSpecResource{{"TargetService": {Type: ECSServiceType, Properties: pr}}},
	}
	for _, e := range HookEvents {
		if fn, ok := in.Hooks[e]; ok {
			spec.Hooks = append(spec.Hooks, map[string]string{e: fn})
		}
	}
	return spec
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
