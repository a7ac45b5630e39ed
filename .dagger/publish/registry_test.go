package publish

import (
	"archive/tar"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/ecr"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// testRegistry is an in-process OCI registry on a loopback port that, like
// ECR, demands Basic auth and can refuse to move tags.
type testRegistry struct {
	Host      string // 127.0.0.1:PORT
	user, pw  string
	immutable bool
	inner     http.Handler
	mu        sync.Mutex
	refused   int // manifest PUTs refused because the tag is immutable
	// failPuts, when set, is the error every manifest PUT gets (HTTP 500).
	failPuts string
	srv      *httptest.Server
}

func startRegistry(t testing.TB, user, password string, immutable bool) *testRegistry {
	t.Helper()
	r := &testRegistry{user: user, pw: password, immutable: immutable,
		inner: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	r.Host = strings.TrimPrefix(r.srv.URL, "http://")
	return r
}

func (r *testRegistry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	u, p, ok := req.BasicAuth()
	if !ok || u != r.user || p != r.pw {
		w.Header().Set("WWW-Authenticate", `Basic realm="test-registry"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
		return
	}
	if r.failPuts != "" && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/manifests/") {
		http.Error(w, `{"errors":[{"code":"UNKNOWN","message":"`+r.failPuts+`"}]}`, http.StatusInternalServerError)
		return
	}
	if r.immutable && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/manifests/") {
		// Like ECR with IMMUTABLE tags: an existing tag cannot be overwritten.
		head := httptest.NewRecorder()
		probe, _ := http.NewRequest(http.MethodHead, req.URL.Path, nil)
		r.inner.ServeHTTP(head, probe)
		if head.Code == http.StatusOK {
			r.mu.Lock()
			r.refused++
			r.mu.Unlock()
			http.Error(w, `{"errors":[{"code":"TAG_INVALID","message":"tag is immutable"}]}`, http.StatusBadRequest)
			return
		}
	}
	r.inner.ServeHTTP(w, req)
}

func (r *testRegistry) ref(repo, tag string) Reference {
	return Reference{Registry: r.Host, Repository: repo, Tag: tag}
}

// motoLogin returns the ECR login moto issues, the password a pushed image
// must present, as a release does with a real ECR token.
func motoLogin(t *testing.T) (aws awsenv.Credentials, login ecr.RegistryAuth, endpoint string) {
	t.Helper()
	m := moto.Shared(t)
	creds := awsenv.Credentials{AccessKeyID: moto.AccessKey, SecretAccessKey: moto.SecretKey}
	cfg, err := awsenv.Config(context.Background(), creds, moto.Region, m.URL)
	if err != nil {
		t.Fatal(err)
	}
	login, err = ecr.New(cfg).RegistryAuth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return creds, login, m.URL
}

// ociImage is a small random image with OCI media types, like Dagger builds.
func ociImage(t testing.TB) v1.Image {
	t.Helper()
	img, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	return mutate.ConfigMediaType(img, types.OCIConfigJSON)
}

// writeOCITarball writes img as an OCI image layout inside a tar, the shape
// of Container.asTarball, and returns its path.
func writeOCITarball(t testing.TB, img v1.Image) string {
	t.Helper()
	dir := t.TempDir()
	p, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "image.tar")
	tarDir(t, filepath.Join(dir, "layout"), out, nil)
	return out
}

// tarDir packs dir into a tar at out; edit may rewrite a file's content.
func tarDir(t testing.TB, dir, out string, edit func(name string, b []byte) []byte) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if edit != nil {
			b = edit(filepath.ToSlash(rel), b)
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeDockerTarball writes img in `docker save` format.
func writeDockerTarball(t testing.TB, img v1.Image) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "docker.tar")
	tag, err := name.NewTag("example.com/webapp:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(out, tag, img); err != nil {
		t.Fatal(err)
	}
	return out
}
