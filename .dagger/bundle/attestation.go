package bundle

// Attestation is an artifact attached to the released image as an OCI 1.1
// referrer: a CycloneDX SBOM or an in-toto SLSA provenance statement, one
// per platform manifest. Read them with `crane manifest`, `oras discover` or
// `aws ecr list-image-referrers`.
type Attestation struct {
	// ArtifactType is application/vnd.cyclonedx+json or application/vnd.in-toto+json.
	ArtifactType string `json:"artifactType"`
	// Digest is the referrer manifest's digest.
	Digest string `json:"digest"`
	// Subject is the digest of the platform manifest it describes.
	Subject string `json:"subject"`
	// Platform is the subject's platform, e.g. linux/arm64.
	Platform string `json:"platform,omitempty"`
}
