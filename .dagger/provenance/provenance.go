// Package provenance writes the build provenance of the app image: an in-toto
// v1 statement whose predicate is SLSA v1 provenance, naming what was built
// (the platform manifest digest), from what (source revision, builder image
// digest), how (version, platform, source date, go build command) and by
// which builder.
//
// The statement holds no clock reading and no invocation id, so the same
// build gives the same statement, and a re-run attaches nothing new.
package provenance

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	prov "github.com/in-toto/attestation/go/predicates/provenance/v1"
	ita "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// MediaType is the in-toto statement media type, also the artifactType of
// the provenance when it is attached to an image as an OCI referrer.
const MediaType = "application/vnd.in-toto+json"

// PredicateType is SLSA provenance v1.
const PredicateType = "https://slsa.dev/provenance/v1"

// BuildType names how this project builds images; its parameters are the
// externalParameters below.
const BuildType = "https://github.com/ecs-bluegreen/ecs-bluegreen/build/v1"

// BuilderID names the builder when the caller names none: this Dagger
// module's build function run on a developer's machine. CI entry points pass
// their own (the workflow file and ref on GitHub Actions, the build ARN on
// CodeBuild), so a statement tells a CI build from a laptop's.
const BuilderID = "https://github.com/ecs-bluegreen/ecs-bluegreen/.dagger#build@local"

// Build describes one platform image's build.
type Build struct {
	// Subject is the image repository's path (webapp), without the
	// registry's address, so the same build pushed through another address
	// (a mirror, a stand-in's per-call host name) states the same thing; Digest
	// is the platform manifest's sha256:… digest, which names the image.
	Subject, Digest string
	// Platform is e.g. linux/arm64.
	Platform string
	// Version is the stamped version (the source revision when given).
	Version string
	// SourceURL is the source repository, when known.
	SourceURL string
	// SourceDigest is the digest of the source tree built, as SourceDigest
	// computes it (recomputable from a checkout with scripts/source-digest).
	SourceDigest string
	// SourceDateEpoch is the image's creation time in Unix seconds.
	SourceDateEpoch int
	// GoImage is the builder image as given and GoImageDigest its resolved
	// digest (sha256:…).
	GoImage, GoImageDigest string
	// GoBuild is the go build command line.
	GoBuild []string
	// Builder is the builder id (CheckBuilderID); empty means BuilderID.
	Builder string
}

// CheckBuilderID accepts an empty builder id (a local build) or an absolute
// URI without spaces: https://github.com/<owner>/<repo>/.github/workflows/<file>@<ref>
// on GitHub Actions, arn:aws:codebuild:<region>:<account>:build/<project>:<id> on CodeBuild.
func CheckBuilderID(id string) error {
	if id == "" {
		return nil
	}
	u, err := url.Parse(id)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") || strings.ContainsAny(id, " \t\n") {
		return fmt.Errorf("builder id %q is not accepted: want an absolute URI such as "+
			"$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF (GitHub Actions) or $CODEBUILD_BUILD_ARN (CodeBuild)", id)
	}
	return nil
}

// validate reports every missing field at once.
func (b Build) validate() error {
	var missing []string
	for name, v := range map[string]string{"subject": b.Subject, "digest": b.Digest, "platform": b.Platform, "version": b.Version, "go image": b.GoImage} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("provenance: %s not set", strings.Join(missing, ", "))
	}
	if !strings.HasPrefix(b.Digest, "sha256:") {
		return fmt.Errorf("provenance: subject digest %q is not sha256:<hex>", b.Digest)
	}
	return nil
}

// Statement returns the in-toto statement as JSON, with the field names the
// in-toto and SLSA specifications use (written through protojson), keys sorted.
func Statement(b Build) ([]byte, error) {
	if err := b.validate(); err != nil {
		return nil, err
	}
	if err := CheckBuilderID(b.Builder); err != nil {
		return nil, err
	}
	builder := b.Builder
	if builder == "" {
		builder = BuilderID
	}
	external, err := structpb.NewStruct(map[string]any{
		"version":         b.Version,
		"platform":        b.Platform,
		"sourceDateEpoch": float64(b.SourceDateEpoch),
		"goImage":         b.GoImage,
		"sourceUrl":       b.SourceURL,
	})
	if err != nil {
		return nil, err
	}
	goBuild := make([]any, len(b.GoBuild))
	for i, a := range b.GoBuild {
		goBuild[i] = a
	}
	internal, err := structpb.NewStruct(map[string]any{"goBuild": goBuild})
	if err != nil {
		return nil, err
	}
	var deps []*ita.ResourceDescriptor
	if b.GoImageDigest != "" {
		deps = append(deps, &ita.ResourceDescriptor{Name: "builder", Uri: "oci://" + b.GoImage, Digest: digestMap(b.GoImageDigest)})
	}
	if b.SourceURL != "" || b.SourceDigest != "" {
		src := &ita.ResourceDescriptor{Name: "source"}
		if b.SourceURL != "" {
			src.Uri = b.SourceURL
		}
		src.Digest = map[string]string{}
		if looksLikeCommit(b.Version) && b.SourceURL != "" {
			src.Digest["gitCommit"] = b.Version
		}
		if b.SourceDigest != "" {
			for k, v := range digestMap(b.SourceDigest) {
				src.Digest[k] = v
			}
			// How to recompute the sha256 (SourceDigest, scripts/source-digest).
			src.Annotations, err = structpb.NewStruct(map[string]any{"digestMethod": SourceDigestMethod})
			if err != nil {
				return nil, err
			}
		}
		deps = append(deps, src)
	}
	predicate := &prov.Provenance{
		BuildDefinition: &prov.BuildDefinition{
			BuildType:            BuildType,
			ExternalParameters:   external,
			InternalParameters:   internal,
			ResolvedDependencies: deps,
		},
		RunDetails: &prov.RunDetails{Builder: &prov.Builder{Id: builder}},
	}
	if err := predicate.Validate(); err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	predStruct, err := toStruct(predicate)
	if err != nil {
		return nil, err
	}
	st := &ita.Statement{
		Type:          ita.StatementTypeUri,
		Subject:       []*ita.ResourceDescriptor{{Name: b.Subject, Digest: digestMap(b.Digest)}},
		PredicateType: PredicateType,
		Predicate:     predStruct,
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	return stableJSON(st)
}

// toStruct converts a message to a structpb.Struct through its protojson
// form, so the predicate keeps the specification's field names.
func toStruct(m proto.Message) (*structpb.Struct, error) {
	raw, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	s := &structpb.Struct{}
	return s, protojson.Unmarshal(raw, s)
}

// stableJSON writes m with protojson's field names but without its
// deliberately unstable spacing: the JSON is decoded and re-encoded, which
// sorts keys and fixes the layout.
func stableJSON(m proto.Message) ([]byte, error) {
	raw, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.MarshalIndent(v, "", "  ")
}

// digestMap turns sha256:<hex> into {"sha256": "<hex>"}.
func digestMap(d string) map[string]string {
	algo, hex, ok := strings.Cut(d, ":")
	if !ok {
		return map[string]string{"sha256": d}
	}
	return map[string]string{algo: hex}
}

// looksLikeCommit reports whether a version is a full git commit id (40
// hex digits; the in-toto gitCommit digest takes no abbreviations).
func looksLikeCommit(v string) bool {
	if len(v) != 40 {
		return false
	}
	return strings.Trim(v, "0123456789abcdef") == ""
}
