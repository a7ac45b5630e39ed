package sigstore

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"time"
)

// Fulcio's certificate extensions for the OIDC issuer
// (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md): the
// current one holds a DER UTF8String, the deprecated one the raw string.
var (
	oidIssuerV2 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidIssuerV1 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
)

// identityOf is the certificate's identity (its URI, else e-mail, subject
// alternative name: for a GitHub workflow
// https://github.com/<owner>/<repo>/.github/workflows/<file>@<ref>) and the
// OIDC issuer Fulcio verified it with.
func identityOf(c *x509.Certificate) (identity, issuer string, err error) {
	switch {
	case len(c.URIs) > 0:
		identity = c.URIs[0].String()
	case len(c.EmailAddresses) > 0:
		identity = c.EmailAddresses[0]
	default:
		return "", "", errors.New("the certificate names no identity (no URI or e-mail subject alternative name)")
	}
	for _, e := range c.Extensions {
		switch {
		case e.Id.Equal(oidIssuerV2):
			var s string
			if _, err := asn1.UnmarshalWithParams(e.Value, &s, "utf8"); err == nil {
				issuer = s
			}
		case e.Id.Equal(oidIssuerV1) && issuer == "":
			issuer = string(e.Value)
		}
	}
	if issuer == "" {
		return "", "", errors.New("the certificate names no OIDC issuer (Fulcio's issuer extension)")
	}
	return identity, issuer, nil
}

// SameAuthority reports whether found was issued to the same identity, by
// the same OIDC issuer, under the same root as ours, and was valid when it
// was used (at signed, the time its log entry was made). It is how a re-run
// recognises an attestation the same workflow attached before, though its
// key and certificate are new each time.
func SameAuthority(ours, found Certificate, signed time.Time) bool {
	if found.Identity != ours.Identity || found.Issuer != ours.Issuer || len(ours.Chain) == 0 {
		return false
	}
	roots := x509.NewCertPool()
	roots.AddCert(ours.Chain[len(ours.Chain)-1])
	inter := x509.NewCertPool()
	for _, c := range found.Chain {
		inter.AddCert(c)
	}
	_, err := found.Leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: signed,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	})
	return err == nil
}
