package imagebuild

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// testSpec is a small image; variant changes one input at a time.
func testSpec(arch string) Spec {
	return Spec{
		OS: "linux", Architecture: arch,
		Files: []File{
			{Path: "/etc/passwd", Mode: 0o444, Data: []byte("root:x:0:0::/:/sbin/nologin\n")},
			{Path: "/app", Mode: 0o555, Data: bytes.Repeat([]byte("binary "), 4096)},
			{Path: "/etc/ssl/certs/ca-certificates.crt", Mode: 0o444, Data: []byte("certs")},
		},
		Config: v1.Config{
			Entrypoint: []string{"/app"}, User: "65532:65532", Env: []string{"PORT=3000"},
			Labels: map[string]string{"org.opencontainers.image.revision": "abc1234", "org.opencontainers.image.title": "app"},
		},
		Created:   time.Unix(0, 0),
		CreatedBy: "test",
	}
}

// layoutBytes builds spec into a layout tar in a fresh temporary directory.
func layoutBytes(t *testing.T, specs ...Spec) ([]byte, v1.Hash) {
	t.Helper()
	var top Top
	var imgs []v1.Image
	for _, s := range specs {
		img, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	top = imgs[0]
	if len(imgs) > 1 {
		idx, err := Index(imgs...)
		if err != nil {
			t.Fatal(err)
		}
		top = idx
	}
	file := filepath.Join(t.TempDir(), "image.tar")
	h, err := WriteLayoutFile(file, top)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b, h
}

// TestMain lets the test binary write a layout in a child process, so the
// reproducibility test compares two separate processes.
func TestMain(m *testing.M) {
	if out := os.Getenv("IMAGEBUILD_WRITE_LAYOUT"); out != "" {
		img, err := Build(testSpec("amd64"))
		if err == nil {
			_, err = WriteLayoutFile(out, img)
		}
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSameSpecSameBytesAcrossProcesses(t *testing.T) {
	here, digest := layoutBytes(t, testSpec("amd64"))
	out := filepath.Join(t.TempDir(), "child.tar")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "IMAGEBUILD_WRITE_LAYOUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child process: %v\n%s", err, b)
	}
	there, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(here, there) {
		t.Fatalf("layout tars differ between processes (%d and %d bytes)", len(here), len(there))
	}
	// Go's map order and the file order in the spec must not matter either.
	s := testSpec("amd64")
	s.Files[0], s.Files[2] = s.Files[2], s.Files[0]
	again, d2 := layoutBytes(t, s)
	if !bytes.Equal(here, again) || d2 != digest {
		t.Fatalf("reordered files changed the image: %s vs %s", digest, d2)
	}
	t.Logf("digest %s, layout %d bytes", digest, len(here))
}

func TestEveryInputChangesTheDigest(t *testing.T) {
	_, base := layoutBytes(t, testSpec("amd64"))
	variants := map[string]func(*Spec){
		"source (binary)": func(s *Spec) { s.Files[1].Data = append([]byte{}, append(s.Files[1].Data, '!')...) },
		"version label":   func(s *Spec) { s.Config.Labels = map[string]string{"org.opencontainers.image.revision": "def5678"} },
		"platform":        func(s *Spec) { s.Architecture = "arm64" },
		"source date":     func(s *Spec) { s.Created = time.Unix(1700000000, 0) },
		"file mode":       func(s *Spec) { s.Files[0].Mode = 0o644 },
	}
	seen := map[v1.Hash]string{base: "base"}
	for name, change := range variants {
		s := testSpec("amd64")
		change(&s)
		_, d := layoutBytes(t, s)
		if other, dup := seen[d]; dup {
			t.Errorf("changing %s gave the same digest as %s: %s", name, other, d)
		}
		seen[d] = name
	}
}

func TestTimestampsAndOwnersAreFixed(t *testing.T) {
	created := time.Date(2026, 3, 1, 12, 0, 0, 500, time.UTC)
	s := testSpec("arm64")
	s.Created = created
	img, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	want := created.Truncate(time.Second)
	if !cf.Created.Time.Equal(want) || len(cf.History) != 1 || !cf.History[0].Created.Time.Equal(want) {
		t.Fatalf("config created %v, history %v; want %v", cf.Created, cf.History, want)
	}
	if cf.OS != "linux" || cf.Architecture != "arm64" {
		t.Fatalf("platform %s/%s", cf.OS, cf.Architecture)
	}
	layers, _ := img.Layers()
	if len(layers) != 1 {
		t.Fatalf("%d layers, want one", len(layers))
	}
	rc, _ := layers[0].Uncompressed()
	defer rc.Close()
	tr := tar.NewReader(rc)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(want) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: mtime %v uid %d gid %d %q/%q", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname)
		}
	}
	wantNames := "app etc/ etc/passwd etc/ssl/ etc/ssl/certs/ etc/ssl/certs/ca-certificates.crt"
	if strings.Join(names, " ") != wantNames {
		t.Fatalf("entries %q, want %q", strings.Join(names, " "), wantNames)
	}
}

func TestIndexLayoutReadsBack(t *testing.T) {
	b, digest := layoutBytes(t, testSpec("amd64"), testSpec("arm64"))
	again, d2 := layoutBytes(t, testSpec("amd64"), testSpec("arm64"))
	if d2 != digest || !bytes.Equal(b, again) {
		t.Fatal("index layout not reproducible")
	}
	top, err := ReadLayout(bytes.NewReader(b), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	im, _ := top.IndexManifest()
	if len(im.Manifests) != 1 || im.Manifests[0].Digest != digest || !im.Manifests[0].MediaType.IsIndex() {
		t.Fatalf("index.json = %+v; want the image index %s", im.Manifests, digest)
	}
	idx, err := top.ImageIndex(digest)
	if err != nil {
		t.Fatal(err)
	}
	manifests, _ := Platforms(idx)
	var plats []string
	for _, m := range manifests {
		plats = append(plats, m.Platform.String())
		if m.ArtifactType != "" {
			t.Errorf("descriptor %s carries artifactType %q", m.Digest, m.ArtifactType)
		}
		img, err := idx.Image(m.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		if cf.Platform().String() != m.Platform.String() {
			t.Errorf("descriptor says %s, config says %s", m.Platform, cf.Platform())
		}
	}
	if strings.Join(plats, ",") != "linux/amd64,linux/arm64" {
		t.Fatalf("platforms %v", plats)
	}
}

func TestBadSpecsNameTheProblem(t *testing.T) {
	cases := map[string]func(*Spec){
		"OS and architecture":  func(s *Spec) { s.Architecture = "" },
		"creation time":        func(s *Spec) { s.Created = time.Time{} },
		`"etc/passwd"`:         func(s *Spec) { s.Files[0].Path = "etc/passwd" },
		"listed twice":         func(s *Spec) { s.Files[2].Path = "/app" },
		"permission bits only": func(s *Spec) { s.Files[0].Mode = os.ModeSymlink | 0o777 },
	}
	for want, change := range cases {
		s := testSpec("amd64")
		change(&s)
		if _, err := Build(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error mentioning %q, got %v", want, err)
		}
	}
	if _, err := Index(); err == nil {
		t.Error("empty index accepted")
	}
	img, _ := Build(testSpec("amd64"))
	if _, err := Index(img, img); err == nil || !strings.Contains(err.Error(), "linux/amd64") {
		t.Errorf("duplicate platform: %v", err)
	}
}

func TestReadLayoutRefusesEscapingEntries(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	_ = tw.WriteHeader(&tar.Header{Name: "../evil", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	_, _ = tw.Write([]byte("x"))
	_ = tw.Close()
	if _, err := ReadLayout(&buf, t.TempDir()); err == nil || !strings.Contains(err.Error(), `"../evil"`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := ReadLayout(strings.NewReader(""), t.TempDir()); err == nil || !strings.Contains(err.Error(), "OCI image layout") {
		t.Fatalf("empty tar: %v", err)
	}
}
