package publish

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/ecr"
	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/stackout"
)

// Recognisable credential values: if any of them shows up in an error, a log
// line, a formatted value or a file, a secret has leaked.
const (
	leakAccessKey = "AKIALEAKCHECK7Q2W3E4R"
	leakSecretKey = "leak-check-secret-9f8e7d6c5b4a"
	leakToken     = "leak-check-session-token-1a2b3c4d"
	leakRegistry  = "leak-check-registry-password-5e6f"
)

// leakRecorder collects everything the flows produce.
type leakRecorder struct {
	t    *testing.T
	seen []string
}

func (r *leakRecorder) err(label string, err error) {
	if err != nil {
		r.seen = append(r.seen, label+": "+err.Error())
	}
}

func (r *leakRecorder) value(label string, v any) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		r.seen = append(r.seen, label+" "+verb+": "+fmt.Sprintf(verb, v))
	}
}

func (r *leakRecorder) assertClean(secrets map[string]string) {
	r.t.Helper()
	all := strings.Join(r.seen, "\n")
	for name, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), hex.EncodeToString([]byte(s))} {
			if strings.Contains(all, form) {
				i := strings.Index(all, form)
				lo := max(0, i-200)
				r.t.Errorf("%s leaked near: …%s…", name, all[lo:min(len(all), i+len(form)+40)])
			}
		}
	}
}

func TestNoSecretLeaks(t *testing.T) {
	m := moto.Shared(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // every temporary file of the flows lands here
	ctx := context.Background()
	rec := &leakRecorder{t: t}
	var log bytes.Buffer
	creds := awsenv.Credentials{AccessKeyID: leakAccessKey, SecretAccessKey: leakSecretKey, SessionToken: leakToken}

	// Bad input errors are built while the credentials are in hand.
	_, err := awsenv.Config(ctx, creds, "moon-base-1", m.URL)
	rec.err("bad region", err)
	_, err = awsenv.Config(ctx, creds, moto.Region, "http://"+leakAccessKey+":"+leakSecretKey+"@localhost:1")
	rec.err("endpoint with user info", err)
	_, err = awsenv.Config(ctx, awsenv.Credentials{SecretAccessKey: leakSecretKey}, moto.Region, m.URL)
	rec.err("half credentials", err)
	_, err = awsenv.Credentials{AccessKeyID: leakAccessKey + " x", SecretAccessKey: leakSecretKey}.Normalize()
	rec.err("white space", err)

	cfg, err := awsenv.Config(ctx, creds, moto.Region, m.URL, awsenv.WithLog(&log))
	if err != nil {
		t.Fatal(err)
	}
	rec.value("credentials", creds)
	rec.value("config", cfg)

	// ECR: account, login, missing repository.
	client := ecr.New(cfg)
	account, err := client.AccountID(ctx)
	rec.err("account", err)
	rec.value("account", account)
	reg, err := client.ResolveRegistry(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	rec.value("registry", reg)
	_, err = client.ImageDigestForTag(ctx, "missing-repo", "v1")
	rec.err("missing repository", err)
	_, err = client.TagsImmutable(ctx, "missing-repo")
	rec.err("missing repository mutability", err)
	_, err = client.ResolveRegistry(ctx, "https://"+leakRegistry+"@host")
	rec.err("bad override", err)

	// CloudFormation outputs: missing stack.
	_, err = stackout.Read(ctx, cfg, "webapp-service")
	rec.err("missing stack", err)

	// Registry: the ECR token is the password, as for a real push.
	srv := startRegistry(t, reg.Auth.Username, reg.Auth.Password, true)
	auth := Auth{Username: reg.Auth.Username, Password: reg.Auth.Password}
	file := writeOCITarball(t, ociImage(t))
	req := Request{Tarball: file, Target: srv.ref("webapp", "v1"), Auth: auth, Immutable: true, Log: &log}
	res, err := Publish(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	rec.value("result", res)
	rec.value("request", req)
	rec.value("auth", auth)
	res, err = Publish(ctx, req)
	rec.err("republish", err)
	rec.value("second result", res)
	req.Tarball = writeOCITarball(t, ociImage(t))
	_, err = Publish(ctx, req)
	rec.err("conflict", err)
	bad := req
	bad.Auth = Auth{Username: "AWS", Password: leakRegistry}
	bad.Target = srv.ref("webapp", "v2")
	_, err = Publish(ctx, bad)
	if err == nil {
		t.Fatal("publish with a wrong registry password succeeded")
	}
	rec.err("wrong password", err)
	rec.value("bad request", bad)

	// Logs the flows wrote, and every file left in the test's temporary
	// directories (tarballs, and whatever the flows wrote under TMPDIR).
	rec.seen = append(rec.seen, "log: "+log.String())
	files := 0
	err = filepath.WalkDir(filepath.Dir(tmp), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		rec.seen = append(rec.seen, "file "+p+": "+string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 || !strings.Contains(log.String(), "nothing to push") {
		t.Fatalf("the flows produced nothing to inspect (files %d, log %q)", files, log.String())
	}
	rec.assertClean(map[string]string{
		"access key id":     leakAccessKey,
		"secret access key": leakSecretKey,
		"session token":     leakToken,
		"ecr token":         reg.Auth.Password,
		"registry password": leakRegistry,
	})
	if len(rec.seen) < 30 {
		t.Fatalf("only %d observations recorded", len(rec.seen))
	}
}
