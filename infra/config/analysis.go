package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Context keys of the automated analysis: the deployment check function
// (smoke check of the test listener, then the new revision judged against
// the old on the load balancer's metrics) and, in codedeploy and hook modes,
// the comparison alarms.
const (
	KeyAnalysis                     = "analysis"
	KeyAnalysisMaxErrorRate         = "analysisMaxErrorRate"
	KeyAnalysisMaxErrorRateIncrease = "analysisMaxErrorRateIncrease"
	KeyAnalysisMaxP99Ratio          = "analysisMaxP99Ratio"
	KeyAnalysisLatencyFloorMillis   = "analysisLatencyFloorMillis"
	KeyAnalysisMinRequests          = "analysisMinRequests"
	KeyAnalysisMinErrors            = "analysisMinErrors"
	KeyAnalysisBadWindows           = "analysisBadWindows"
	KeyAnalysisWindowMinutes        = "analysisWindowMinutes"
	KeyAnalysisMaxWaitMinutes       = "analysisMaxWaitMinutes"
	KeyOnInconclusive               = "onInconclusive"
	KeySmokeChecks                  = "smokeChecks"
	// KeyHookAsset is the directory holding the function's `bootstrap`
	// (linux/arm64). The module's synth, diff and deploy-infra build it and
	// set this key; it is ignored while analysis is off.
	KeyHookAsset = "hookAsset"
)

// Defaults of the policy keys: the function's own defaults, so the alarms
// and the function judge alike.
const (
	DefaultAnalysisMaxErrorRate         = 0.01
	DefaultAnalysisMaxErrorRateIncrease = 0.005
	DefaultAnalysisMaxP99Ratio          = 1.5
	DefaultAnalysisLatencyFloorMillis   = 50
	DefaultAnalysisMinRequests          = 50
	DefaultAnalysisMinErrors            = 3
	DefaultAnalysisBadWindows           = 2
	DefaultAnalysisWindowMinutes        = 2
	// DefaultAnalysisMaxWaitMinutes bounds one stage's wait for a verdict;
	// shorter than the function's own 30 so an ECS deployment with the
	// pipeline fits its deploy action.
	DefaultAnalysisMaxWaitMinutes = 10
	DefaultOnInconclusive         = "rollback"
)

// analysisKeys are the keys that mean something only with analysis=on.
var analysisKeys = []string{
	KeyAnalysisMaxErrorRate, KeyAnalysisMaxErrorRateIncrease, KeyAnalysisMaxP99Ratio, KeyAnalysisLatencyFloorMillis,
	KeyAnalysisMinRequests, KeyAnalysisMinErrors, KeyAnalysisBadWindows, KeyAnalysisWindowMinutes,
	KeyAnalysisMaxWaitMinutes, KeyOnInconclusive, KeySmokeChecks,
}

// Analysis is the automated analysis of a deployment (analysis=on).
type Analysis struct {
	// Enabled deploys the check function and the comparison alarms; off
	// leaves the stacks exactly as without the feature.
	Enabled bool
	// Policy is what the function judges with (defaults filled in).
	Policy Policy
	// MaxWaitMinutes is how long one stage may stay inconclusive.
	MaxWaitMinutes int
	// OnInconclusive is rollback or continue once MaxWaitMinutes passed.
	OnInconclusive string
	// SmokeChecks are the requests sent to the test listener (empty: the
	// function's default, GET /healthz and GET / expecting 200).
	SmokeChecks []SmokeCheck
	// Asset is the directory holding the function's bootstrap.
	Asset string
}

// Policy mirrors the function's analysis policy (its ANALYSIS_POLICY
// variable, JSON with these field names).
type Policy struct {
	MaxErrorRate         float64 `json:"maxErrorRate"`
	MaxErrorRateIncrease float64 `json:"maxErrorRateIncrease"`
	MaxP99Ratio          float64 `json:"maxP99Ratio"`
	LatencyFloorMillis   int     `json:"latencyFloorMillis"`
	MinRequests          int     `json:"minRequests"`
	MinErrors            int     `json:"minErrors"`
	BadWindows           int     `json:"badWindows"`
	WindowMinutes        int     `json:"windowMinutes"`
}

// SmokeCheck is one request to the test listener (the function's
// SMOKE_CHECKS entries).
type SmokeCheck struct {
	Method       string `json:"method,omitempty"`
	Path         string `json:"path"`
	ExpectStatus int    `json:"expectStatus,omitempty"`
	BodyContains string `json:"bodyContains,omitempty"`
	Count        int    `json:"count,omitempty"`
}

// PolicyJSON is the function's ANALYSIS_POLICY value, every field explicit.
func (a Analysis) PolicyJSON() string {
	raw, _ := json.Marshal(a.Policy)
	return string(raw)
}

// SmokeChecksJSON is the function's SMOKE_CHECKS value ("" for the default).
func (a Analysis) SmokeChecksJSON() string {
	if len(a.SmokeChecks) == 0 {
		return ""
	}
	raw, _ := json.Marshal(a.SmokeChecks)
	return string(raw)
}

// AnalysisFunctionName is the deployment check function's name: fixed, so
// the CodeDeploy roles may invoke it by name before it exists.
func (c Config) AnalysisFunctionName() string { return c.AppName + "-deployment-check" }

// analysis reads the analysis keys; with analysis off, any of them set is
// an error (it would be silently ignored).
func (r reader) analysis() Analysis {
	var a Analysis
	switch raw := r.str(KeyAnalysis, "off"); raw {
	case "on":
		a.Enabled = true
	case "off":
	default:
		r.errs.add(KeyAnalysis, raw, "on or off (default off)")
	}
	if !a.Enabled {
		for _, k := range analysisKeys {
			if v, ok := r.get(k); ok && v != nil && strings.TrimSpace(fmt.Sprint(v)) != "" {
				r.errs.add(k, fmt.Sprint(v), "unset unless "+KeyAnalysis+"=on")
			}
		}
		return a
	}
	a.Policy = Policy{
		MaxErrorRate:         r.fraction(KeyAnalysisMaxErrorRate, DefaultAnalysisMaxErrorRate),
		MaxErrorRateIncrease: r.fraction(KeyAnalysisMaxErrorRateIncrease, DefaultAnalysisMaxErrorRateIncrease),
		MaxP99Ratio:          r.decimal(KeyAnalysisMaxP99Ratio, DefaultAnalysisMaxP99Ratio, 1, 100, "a number from 1 to 100 (1.5 allows a p99 50 % slower than the old revision's)"),
		LatencyFloorMillis:   r.integer(KeyAnalysisLatencyFloorMillis, DefaultAnalysisLatencyFloorMillis, 1, 10000),
		MinRequests:          r.integer(KeyAnalysisMinRequests, DefaultAnalysisMinRequests, 1, 1000000),
		MinErrors:            r.integer(KeyAnalysisMinErrors, DefaultAnalysisMinErrors, 1, 1000000),
		BadWindows:           r.integer(KeyAnalysisBadWindows, DefaultAnalysisBadWindows, 1, 60),
		WindowMinutes:        r.integer(KeyAnalysisWindowMinutes, DefaultAnalysisWindowMinutes, 1, 60),
	}
	a.MaxWaitMinutes = r.integer(KeyAnalysisMaxWaitMinutes, DefaultAnalysisMaxWaitMinutes, 1, 1440)
	a.OnInconclusive = r.str(KeyOnInconclusive, DefaultOnInconclusive)
	if a.OnInconclusive != "rollback" && a.OnInconclusive != "continue" {
		r.errs.add(KeyOnInconclusive, a.OnInconclusive, "rollback (default: no evidence is not a pass) or continue")
	}
	a.SmokeChecks = r.smokeChecks()
	a.Asset = r.str(KeyHookAsset, "")
	return a
}

// fraction reads a share from 0 (exclusive) to 1, e.g. 0.01 for 1 %.
func (r reader) fraction(key string, def float64) float64 {
	return r.decimal(key, def, math.SmallestNonzeroFloat64, 1, "a fraction above 0 and at most 1 (0.01 is 1 %)")
}

func (r reader) decimal(key string, def, lo, hi float64, accepted string) float64 {
	raw := r.str(key, "")
	if raw == "" {
		return def
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		r.errs.add(key, raw, accepted)
		return def
	}
	return v
}

var smokeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// smokeChecks reads smokeChecks: a JSON list of {method, path, expectStatus,
// bodyContains, count}, from cdk.json as a list or from -c as JSON text.
func (r reader) smokeChecks() []SmokeCheck {
	v, ok := r.get(KeySmokeChecks)
	if !ok || v == nil {
		return nil
	}
	raw, isText := v.(string)
	if !isText {
		b, err := json.Marshal(v)
		if err != nil {
			r.errs.add(KeySmokeChecks, fmt.Sprint(v), "a JSON list of checks")
			return nil
		}
		raw = string(b)
	}
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	const accepted = `a JSON list of {"method", "path", "expectStatus", "bodyContains", "count"}, e.g. [{"path":"/healthz"},{"path":"/","bodyContains":"Welcome"}]`
	var checks []SmokeCheck
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&checks); err != nil || dec.More() {
		r.errs.add(KeySmokeChecks, raw, accepted)
		return nil
	}
	if len(checks) > 50 {
		r.errs.add(KeySmokeChecks, fmt.Sprintf("%d checks", len(checks)), "at most 50 checks")
	}
	for i, c := range checks {
		name := fmt.Sprintf("%s[%d]", KeySmokeChecks, i)
		checks[i].Method = strings.ToUpper(c.Method)
		if m := checks[i].Method; m != "" && !slices.Contains(smokeMethods, m) {
			r.errs.add(name+".method", c.Method, strings.Join(smokeMethods, ", "))
		}
		if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " \t\r\n#") {
			r.errs.add(name+".path", c.Path, `a path starting with "/" (a query is allowed), without spaces or a fragment`)
		}
		if c.ExpectStatus != 0 && (c.ExpectStatus < 100 || c.ExpectStatus > 599) {
			r.errs.add(name+".expectStatus", fmt.Sprint(c.ExpectStatus), "an HTTP status from 100 to 599 (default 200)")
		}
		if c.Count != 0 && (c.Count < 1 || c.Count > 100) {
			r.errs.add(name+".count", fmt.Sprint(c.Count), "a whole number from 1 to 100 (default 1)")
		}
		if len(c.BodyContains) > 1024 {
			r.errs.add(name+".bodyContains", fmt.Sprintf("%d bytes", len(c.BodyContains)), "at most 1024 bytes")
		}
		if c.BodyContains != "" && checks[i].Method == "HEAD" {
			r.errs.add(name+".bodyContains", c.BodyContains, "unset with method HEAD (a HEAD answer has no body)")
		}
	}
	return checks
}

// validateAnalysis checks what the function needs from the rest of the
// configuration: its code, a way to the test listener, and a hook slot.
func validateAnalysis(c Config, errs *Errors) {
	a := c.Analysis
	if !a.Enabled {
		return
	}
	on := KeyAnalysis + "=on"
	if a.Asset == "" {
		errs.add(KeyHookAsset, "", "required with "+on+": a directory holding the deployment check function's bootstrap (linux/arm64). "+
			"`dagger call synth`, `diff` and `deploy-infra` build it and set the key; with the CDK CLI build it yourself: "+
			"cd .dagger && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -o <dir>/bootstrap ./cmd/ecs-lifecycle-hook, then -c hookAsset=<dir>")
	} else if st, err := os.Stat(filepath.Join(a.Asset, "bootstrap")); err != nil || !st.Mode().IsRegular() {
		errs.add(KeyHookAsset, a.Asset, "a directory holding the function's executable named bootstrap")
	}
	if c.NatGateways == 0 {
		errs.add(KeyNatGateways, "0", "1 to 3 with "+on+": the function runs in the private subnets and reaches the test listener and the CloudWatch, ECS and CodeDeploy APIs through the NAT gateways")
	} else if !slices.ContainsFunc(c.TestListenerSources, func(s TrafficSource) bool { return s.Kind == SourceNat }) {
		errs.add(KeyTestListenerSources, sourcesString(c.TestListenerSources), "a list including nat with "+on+": the function's smoke check reaches the test listener from the NAT gateways' addresses")
	}
	if c.HTTPS() && !c.HasDomain() {
		errs.add(KeyDomainName, "", "required with "+on+" and "+KeyCertificateArn+": the smoke check calls the HTTPS test listener by a name the certificate covers")
	}
	if c.Mode == ModeHook && c.AfterAllowTestTrafficHook != "" && c.AfterAllowTestTrafficHook != c.AnalysisFunctionName() {
		errs.add(KeyAfterAllowTestTraffic, c.AfterAllowTestTrafficHook, "unset with "+on+": the hook runs the deployment check "+c.AnalysisFunctionName()+" (the blue/green hook has one AfterAllowTestTraffic slot)")
	}
}

func sourcesString(srcs []TrafficSource) string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		out[i] = s.Value
		if s.Kind == SourceNat {
			out[i] = SourceKeywordNat
		}
	}
	return strings.Join(out, ",")
}

// WindowSeconds is one judged window, the comparison alarms' period.
func (p Policy) WindowSeconds() int { return p.WindowMinutes * 60 }
