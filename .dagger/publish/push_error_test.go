package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A push to a mutable tag that fails for its own reason must report that
// reason, not an immutable-tag conflict the registry never raised.
func TestPublishReportsThePushErrorForAMutableTag(t *testing.T) {
	_, login, _ := motoLogin(t)
	reg := startRegistry(t, login.Username, login.Password, false)
	auth := Auth{Username: login.Username, Password: login.Password}
	ctx := context.Background()
	if _, err := Push(ctx, writeOCITarball(t, ociImage(t)), reg.ref("webapp", "edge"), auth); err != nil {
		t.Fatal(err)
	}
	reg.failPuts = "storage quota exceeded"
	_, err := Publish(ctx, Request{Tarball: writeOCITarball(t, ociImage(t)), Target: reg.ref("webapp", "edge"), Auth: auth})
	t.Logf("error: %v", err)
	var conflict *ConflictError
	if errors.As(err, &conflict) || err == nil || strings.Contains(err.Error(), "immutable") {
		t.Fatalf("err = %v, want the push error", err)
	}
	if !strings.Contains(err.Error(), "storage quota exceeded") {
		t.Fatalf("err = %v, want it to carry the registry's answer", err)
	}
}
