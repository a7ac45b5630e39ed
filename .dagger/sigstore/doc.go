// Package sigstore signs provenance without a long-lived key ("keyless"):
// an OIDC identity token of the CI run (GitHub Actions' own, audience
// "sigstore") is exchanged at Fulcio for a certificate of a P-256 key made
// for this one call, valid for minutes and naming the workflow that ran;
// the DSSE envelope signed with that key is logged in Rekor; and the
// certificate, its chain and Rekor's signed entry timestamp are attached
// beside the envelope as the annotations cosign verify-attestation reads
// (dev.sigstore.cosign/certificate, /chain and /bundle).
//
// The trust moves from "who may use this KMS key" to "which workflow of
// which repository ran, per the CI's identity provider", checked by the
// verifier with --certificate-identity and --certificate-oidc-issuer. The
// package speaks to Fulcio's and Rekor's HTTP APIs directly (the v1
// signingCert and log/entries endpoints cosign itself uses), with the
// standard library only, and checks every answer before anything is
// attached: the certificate is for our key, the log entry is for our
// envelope and certificate, and its timestamp verifies with the log's key.
package sigstore
