package publish

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/types"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// silentRegistry accepts TCP connections on loopback and never answers, like
// a registry stuck behind a load balancer. It closes every connection when
// the test ends.
func silentRegistry(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// expectTimeout checks err is a *TimeoutError naming the registry and the
// operation, and that it came after the deadline but well before a hang.
func expectTimeout(t *testing.T, what string, err error, started time.Time, host, operation string) {
	t.Helper()
	elapsed := time.Since(started)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("%s: want a registry timeout, got %v (after %s)", what, err, elapsed)
	}
	if te.Registry != host || !strings.Contains(te.Operation, operation) {
		t.Errorf("%s: timeout names %q / %q, want %s / %s", what, te.Registry, te.Operation, host, operation)
	}
	msg := err.Error()
	for _, want := range []string{host, operation, "300ms"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%s: message lacks %q: %s", what, want, msg)
		}
	}
	if elapsed < 300*time.Millisecond || elapsed > 10*time.Second {
		t.Errorf("%s: returned after %s with a 300ms deadline", what, elapsed)
	}
}

// TestRegistryThatNeverAnswersTimesOut runs every registry operation
// against a registry that accepts connections and never answers: each
// fails after the configured deadline, naming the registry and what it was
// asked, instead of hanging.
func TestRegistryThatNeverAnswersTimesOut(t *testing.T) {
	host := silentRegistry(t)
	ctx := WithTimeout(context.Background(), 300*time.Millisecond)
	target := Reference{Registry: host, Repository: "webapp", Tag: "abc1234"}
	file := writeOCITarball(t, ociImage(t))

	start := time.Now()
	_, err := RemoteDigest(ctx, target, Auth{})
	expectTimeout(t, "tag lookup", err, start, host, "lookup of tag "+target.Tagged())

	start = time.Now()
	_, err = Publish(ctx, Request{Tarball: file, Target: target})
	expectTimeout(t, "publish", err, start, host, "lookup of tag "+target.Tagged())

	start = time.Now()
	_, err = Push(ctx, file, target, Auth{})
	expectTimeout(t, "push", err, start, host, "push of "+target.Tagged())

	start = time.Now()
	_, err = RemoteRevision(ctx, Reference{Registry: host, Repository: "webapp", Digest: "sha256:" + strings.Repeat("a", 64)}, Auth{})
	expectTimeout(t, "revision", err, start, host, "revision label")

	subject := v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("b", 64)}, Size: 10}
	start = time.Now()
	_, err = Attach(ctx, Reference{Registry: host, Repository: "webapp"}, Auth{}, []Referrer{{ArtifactType: "application/vnd.cyclonedx+json", Data: []byte("{}"), Subject: subject}})
	expectTimeout(t, "referrers", err, start, host, "referrers query for sha256:bbbb")
}

// TestLookupThroughTheECRAPIHasTheDeadlineToo gives Publish a lookup that
// never returns on its own (an ECR API endpoint that does not answer).
func TestLookupThroughTheECRAPIHasTheDeadlineToo(t *testing.T) {
	ctx := WithTimeout(context.Background(), 300*time.Millisecond)
	stuck := func(ctx context.Context, tag string) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}
	target := Reference{Registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", Repository: "webapp", Tag: "abc1234"}
	start := time.Now()
	_, err := Publish(ctx, Request{Tarball: writeOCITarball(t, ociImage(t)), Target: target, Lookup: stuck})
	expectTimeout(t, "ECR lookup", err, start, target.Registry, "lookup of tag "+target.Tagged())
}

func TestTimeoutSettings(t *testing.T) {
	if TimeoutOf(context.Background()) != DefaultTimeout || TimeoutOf(WithTimeout(context.Background(), 0)) != DefaultTimeout {
		t.Error("no timeout set must mean the default")
	}
	if d, err := ParseTimeout("90s"); err != nil || d != 90*time.Second {
		t.Errorf("ParseTimeout(90s) = %v, %v", d, err)
	}
	if d, err := ParseTimeout(""); err != nil || d != DefaultTimeout {
		t.Errorf("ParseTimeout() = %v, %v", d, err)
	}
	for _, bad := range []string{"0s", "-1m", "ten", "5"} {
		if _, err := ParseTimeout(bad); err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseTimeout(%q) accepted or unclear: %v", bad, err)
		}
	}
	// A caller's own cancellation is not reported as the registry's fault.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Call(ctx, "r", "op", func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, ctx.Err() })
	var te *TimeoutError
	if errors.As(err, &te) || !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled caller: %v", err)
	}
}
