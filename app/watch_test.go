package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestVersionAnswersFreshJSON(t *testing.T) {
	cfg := baseConfig()
	cfg.Color = "green"
	cfg.DeploymentID = "d-XYZ"
	h, _ := testHandler(t, cfg)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/version?t=123", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	var v map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	if v["version"] != "0123abc" || v["color"] != "green" || v["host"] != "task-1" || v["deployment"] != "d-XYZ" {
		t.Fatalf("version = %v", v)
	}
}

func TestWatchPagePollsItsOrigin(t *testing.T) {
	h, _ := testHandler(t, baseConfig())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/watch", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	page := rec.Body.String()
	for _, want := range []string{"<h1>webapp: which versions answer</h1>", "target = '/version'", "{cache: 'no-store'}", "'?t=' + t", "setInterval(poll, EVERY)"} {
		if !strings.Contains(page, want) {
			t.Errorf("watch page lacks %q", want)
		}
	}
	if strings.Contains(page, "ZgotmplZ") {
		t.Fatal("template escaping damaged the script")
	}
}

// TestWatchTally runs the page's own script under node and checks what it
// draws from a sequence of answers: the share of each version over the last
// minute, a canary's ratio moving, and a rollback snapping back.
func TestWatchTally(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is required under CI=true")
		}
		t.Skip("skipping: node not found on PATH (install it to run this test)")
	}
	h, _ := testHandler(t, baseConfig())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/watch", nil))
	m := regexp.MustCompile(`(?s)<script>(.*)</script>`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatal("no inline script on the watch page")
	}
	// Samples a second apart: 60 s of v1, then a 25 % canary of v2 for 40 s,
	// then all v2, then a rollback to v1.
	driver := `
const out = {}, s = [];
const add = (t, version) => s.push({t: t * 1000, version, color: version === 'v1' ? 'blue' : 'green'});
for (let t = 0; t < 60; t++) add(t, 'v1');
out.before = tally(s, 59000);
for (let t = 60; t < 100; t++) add(t, t % 4 === 0 ? 'v2' : 'v1');
out.canary = tally(s, 99000);
for (let t = 100; t < 160; t++) add(t, 'v2');
out.shifted = tally(s, 159000);
for (let t = 160; t < 170; t++) add(t, 'v1');
out.rollback = tally(s, 169000);
console.log(JSON.stringify(out));
`
	cmd := exec.Command(node, "-e", m[1]+driver)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var out map[string][]row
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatalf("script output %s: %v", got, err)
	}
	check := func(name string, want ...row) {
		t.Helper()
		rows := out[name]
		if len(rows) != len(want) {
			t.Fatalf("%s: %+v, want %+v", name, rows, want)
		}
		for i := range want {
			if rows[i].Version != want[i].Version || rows[i].Count != want[i].Count || rows[i].Color != want[i].Color {
				t.Fatalf("%s: %+v, want %+v", name, rows, want)
			}
			if d := rows[i].Share - float64(want[i].Count)/float64(totalOf(want)); d > 1e-9 || d < -1e-9 {
				t.Fatalf("%s: share of %s = %v", name, rows[i].Version, rows[i].Share)
			}
		}
	}
	check("before", row{Version: "v1", Color: "blue", Count: 60})
	// The last minute at t=99 s: t=39..99, 21 v1 before the canary, 30 v1 and 10 v2 in it.
	check("canary", row{Version: "v1", Color: "blue", Count: 51}, row{Version: "v2", Color: "green", Count: 10})
	check("shifted", row{Version: "v2", Color: "green", Count: 60}, row{Version: "v1", Color: "blue", Count: 1})
	check("rollback", row{Version: "v2", Color: "green", Count: 51}, row{Version: "v1", Color: "blue", Count: 10})
}

// row is one line of the cutover view, as the script's tally returns it.
type row struct {
	Version string
	Color   string
	Count   int
	Share   float64
}

func totalOf(rows []row) int {
	n := 0
	for _, r := range rows {
		n += r.Count
	}
	return n
}

// TestBinaryServesCutoverView runs the built app and polls /version the way
// the page does: every answer is fresh and carries the stamped version.
func TestBinaryServesCutoverView(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := t.TempDir() + "/app"
	if out, err := exec.Command("go", "build", "-ldflags", "-X main.version=watch42", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	l := listen(t)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+itoa(port), "DEPLOYMENT_COLOR=teal")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://127.0.0.1:" + itoa(port)
	var page []byte
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/watch"); err == nil {
			page, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(string(page), "function tally(") {
		t.Fatalf("GET /watch = %.200q", page)
	}
	for i := 0; i < 5; i++ {
		resp, err := http.Get(base + "/version?t=" + itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]string
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if err != nil || resp.Header.Get("Cache-Control") != "no-store" || v["version"] != "watch42" || v["color"] != "teal" {
			t.Fatalf("poll %d: %v %v %v", i, v, resp.Header, err)
		}
	}
}
