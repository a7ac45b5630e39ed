package publish

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"dagger/ecs-bluegreen/provenance"
)

// ProvenanceReferrer is a provenance attestation as attached to subject:
// its payload, annotations, the rule for what already attached counts as
// the same, and the seal made only if it is attached.
func ProvenanceReferrer(att provenance.Attestation, subject v1.Descriptor) Referrer {
	return Referrer{ArtifactType: att.ArtifactType, Data: att.Data, Subject: subject,
		Annotations: att.Annotations, Equivalent: att.Covers, Seal: att.Seal}
}

// ProvenanceTag is a signed provenance attestation as stored under
// subject's cosign tag (publish --cosign-tags): the same envelope, the same
// annotations and seal as its referrer (one transparency log entry serves
// both), and the same rule for what already there counts.
func ProvenanceTag(att provenance.Attestation, subject v1.Descriptor) CosignAttestation {
	covers := att.Covers
	return CosignAttestation{Subject: subject, Envelope: att.Data, PredicateType: provenance.PredicateType,
		Annotations: att.Annotations, Seal: att.Seal,
		Covers: func(env []byte, ann map[string]string) bool { return covers(provenance.EnvelopeMediaType, env, ann) }}
}
