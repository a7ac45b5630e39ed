package publish

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"dagger/ecs-bluegreen/provenance"
)

// attestedImage is a registry with the referrers API holding a pushed
// two-platform image, its first platform manifest, and a provenance
// statement naming that manifest: what the signing tests attach.
type attestedImage struct {
	reg       *testRegistry
	auth      Auth
	subject   v1.Descriptor
	repo      Reference
	statement []byte
}

func newAttestedImage(t *testing.T, immutable bool) attestedImage {
	t.Helper()
	a := attestedImage{reg: startReferrersRegistry(t), auth: Auth{Username: "AWS", Password: "pw"}}
	a.reg.immutable = immutable
	a.subject = pushedIndex(t, a.reg, a.auth)[0]
	a.repo = a.reg.ref("webapp", "")
	var err error
	a.statement, err = provenance.Statement(provenance.Build{
		Subject: "webapp", Digest: a.subject.Digest.String(), Platform: a.subject.Platform.String(), Version: "abc1234",
		GoImage: "golang:1.26-bookworm", GoBuild: []string{"go", "build", "./app"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
