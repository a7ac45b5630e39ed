package smokecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"dagger/ecs-bluegreen/analysis"
)

// Result is one request's outcome.
type Result struct {
	Check   string `json:"check"`
	Attempt int    `json:"attempt"`
	OK      bool   `json:"ok"`
	Status  int    `json:"status,omitempty"`
	// Location is the redirect target when the answer was a redirect.
	Location   string `json:"location,omitempty"`
	DurationMs int64  `json:"durationMs"`
	// Problem says what was wrong; empty when OK.
	Problem string `json:"problem,omitempty"`
}

// Verdict is every request's result and the outcome: pass only when every
// request answered as configured.
type Verdict struct {
	Outcome analysis.Outcome `json:"verdict"`
	URL     string           `json:"url"`
	Results []Result         `json:"results"`
	Failed  int              `json:"failed"`
}

// Sentence is the verdict as a person reads it in a log.
func (v Verdict) Sentence() string {
	if v.Outcome == analysis.Pass {
		return fmt.Sprintf("smoke check pass: all %d request(s) to %s answered as expected", len(v.Results), v.URL)
	}
	var probs []string
	for _, r := range v.Results {
		if !r.OK {
			probs = append(probs, fmt.Sprintf("%s (#%d): %s", r.Check, r.Attempt, r.Problem))
		}
		if len(probs) == 3 {
			break
		}
	}
	more := ""
	if v.Failed > len(probs) {
		more = fmt.Sprintf("; and %d more", v.Failed-len(probs))
	}
	return fmt.Sprintf("smoke check fail: %d of %d request(s) to %s failed: %s%s",
		v.Failed, len(v.Results), v.URL, strings.Join(probs, "; "), more)
}

const maxBody = 1 << 20

// Run validates the configuration, then sends every check's requests in
// order, each bounded by the timeout. It returns an error only for a bad
// configuration; unreachable listeners, timeouts and wrong answers are
// failures in the verdict. When ctx ends, the requests not sent yet fail as
// "not sent".
func Run(ctx context.Context, cfg Config) (Verdict, error) {
	if err := cfg.Validate(); err != nil {
		return Verdict{}, err
	}
	cfg = cfg.withDefaults()
	client := &http.Client{}
	if cfg.Client != nil {
		c := *cfg.Client
		client = &c
	}
	// Never follow: the redirect target may be the production listener, and
	// the smoke check must judge the new revision only.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base := strings.TrimRight(cfg.URL, "/")
	v := Verdict{Outcome: analysis.Pass, URL: base}
	for _, ch := range cfg.Checks {
		for i := 1; i <= ch.Count; i++ {
			r := one(ctx, client, base, ch, cfg.Timeout)
			r.Attempt = i
			if !r.OK {
				v.Failed++
				v.Outcome = analysis.Fail
			}
			v.Results = append(v.Results, r)
		}
	}
	return v, nil
}

func one(ctx context.Context, client *http.Client, base string, ch Check, timeout time.Duration) Result {
	r := Result{Check: ch.String()}
	if err := ctx.Err(); err != nil {
		r.Problem = "not sent: " + err.Error()
		return r
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	defer func() { r.DurationMs = time.Since(start).Milliseconds() }()
	req, err := http.NewRequestWithContext(rctx, ch.Method, base+ch.Path, nil)
	if err != nil {
		r.Problem = err.Error()
		return r
	}
	resp, err := client.Do(req)
	if err != nil {
		r.Problem = describe(err, rctx, timeout)
		return r
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	r.Location = resp.Header.Get("Location")
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		r.Problem = "reading the body: " + describe(err, rctx, timeout)
		return r
	}
	switch {
	case resp.StatusCode != ch.ExpectStatus && r.Location != "":
		r.Problem = fmt.Sprintf("got %d (redirect to %s, not followed), want %d", resp.StatusCode, r.Location, ch.ExpectStatus)
	case resp.StatusCode != ch.ExpectStatus:
		r.Problem = fmt.Sprintf("got %d, want %d", resp.StatusCode, ch.ExpectStatus)
	case ch.BodyContains != "" && !bytes.Contains(body, []byte(ch.BodyContains)):
		r.Problem = fmt.Sprintf("body (%d bytes read) lacks %q", len(body), ch.BodyContains)
	default:
		r.OK = true
	}
	return r
}

// describe names a timeout as one, with the limit, instead of Go's
// transport wording.
func describe(err error, rctx context.Context, timeout time.Duration) string {
	if ctx := context.Cause(rctx); ctx != nil && !errors.Is(ctx, context.DeadlineExceeded) {
		return "stopped: " + ctx.Error()
	}
	if errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("no complete answer within the %s timeout", timeout)
	}
	return err.Error()
}
