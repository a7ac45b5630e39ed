package awsenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

var testCreds = Credentials{AccessKeyID: moto.AccessKey, SecretAccessKey: moto.SecretKey}

func TestValidateRegion(t *testing.T) {
	for _, ok := range []string{"us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1", "cn-north-1", "us-iso-east-1", "us-isob-east-1", "il-central-1"} {
		if err := ValidateRegion(ok); err != nil {
			t.Errorf("ValidateRegion(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "US-EAST-1", "us-east", "useast1", "us-east-1a", "us_east_1", " us-east-1", "eu-west-1\n"} {
		err := ValidateRegion(bad)
		if err == nil {
			t.Errorf("ValidateRegion(%q) = nil, want an error", bad)
			continue
		}
		if bad != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("error %q does not name the value %q", err, bad)
		}
		if !strings.Contains(err.Error(), "eu-west-1") {
			t.Errorf("error %q gives no example", err)
		}
	}
}

func TestValidateEndpoint(t *testing.T) {
	for _, ok := range []string{"", "http://localhost:4566", "https://example.internal", "http://127.0.0.1:5000/"} {
		if err := ValidateEndpoint(ok); err != nil {
			t.Errorf("ValidateEndpoint(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"localhost:4566", "ftp://host", "http://", "http://h?x=1", "::"} {
		if err := ValidateEndpoint(bad); err == nil {
			t.Errorf("ValidateEndpoint(%q) = nil, want an error", bad)
		}
	}
	err := ValidateEndpoint("http://user:hunter2-secret@localhost:4566")
	if err == nil || strings.Contains(err.Error(), "hunter2-secret") {
		t.Fatalf("endpoint with user info: err = %v (must fail without echoing the password)", err)
	}
}

func TestCredentialsNeverFormatted(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIAFORMATCHECK0001", SecretAccessKey: "format-check-secret", SessionToken: "format-check-token"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T %v"} {
		out := fmt.Sprintf(verb, c)
		for _, v := range []string{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, "464f524d4154"} {
			if strings.Contains(out, v) {
				t.Errorf("Sprintf(%q) = %q reveals %q", verb, out, v)
			}
		}
	}
	// Nested in a struct and behind a pointer, the redaction still holds.
	nested := fmt.Sprintf("%+v %#v", struct{ C Credentials }{c}, &c)
	if strings.Contains(nested, c.SecretAccessKey) || strings.Contains(nested, c.AccessKeyID) {
		t.Errorf("nested formatting reveals a key: %s", nested)
	}
	if !strings.Contains(c.String(), redacted) || !strings.Contains(Credentials{}.String(), "<empty>") {
		t.Errorf("String() = %q / %q: should tell present from empty", c.String(), Credentials{}.String())
	}
}

func TestNormalizeRejectsIncompleteCredentials(t *testing.T) {
	cases := map[string]Credentials{
		"required":          {},
		"access key id":     {SecretAccessKey: "only-secret-value"},
		"secret access key": {AccessKeyID: "AKIAONLYID"},
		"white space":       {AccessKeyID: "AKIA ONLY", SecretAccessKey: "x"},
	}
	for want, c := range cases {
		_, err := c.Normalize()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Normalize(%v) = %v, want an error mentioning %q", c, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "only-secret-value") {
			t.Errorf("error reveals the secret: %v", err)
		}
	}
	n, err := Credentials{AccessKeyID: " AKIAX\n", SecretAccessKey: "s\n", SessionToken: "\ttok "}.Normalize()
	if err != nil || n.AccessKeyID != "AKIAX" || n.SecretAccessKey != "s" || n.SessionToken != "tok" {
		t.Fatalf("Normalize trims surrounding white space: got err=%v", err)
	}
}

func TestConfigRejectsBadInputBeforeBuildingAnything(t *testing.T) {
	ctx := context.Background()
	if _, err := Config(ctx, testCreds, "Mars-1", ""); err == nil || !strings.Contains(err.Error(), `"Mars-1"`) {
		t.Errorf("bad region: err = %v", err)
	}
	if _, err := Config(ctx, testCreds, "us-east-1", "localhost:5000"); err == nil || !strings.Contains(err.Error(), "localhost:5000") {
		t.Errorf("bad endpoint: err = %v", err)
	}
	if _, err := Config(ctx, Credentials{}, "us-east-1", ""); err == nil {
		t.Errorf("missing credentials accepted")
	}
}

func TestConfigReachesEndpointWithStaticCredentials(t *testing.T) {
	m := moto.Shared(t)
	cfg, err := Config(context.Background(), testCreds, moto.Region, m.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(cfg.BaseEndpoint); got != m.URL {
		t.Errorf("BaseEndpoint = %q, want %q (trailing slash trimmed)", got, m.URL)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity through the override: %v", err)
	}
	if aws.ToString(out.Account) != moto.Account {
		t.Errorf("account = %q, want %q", aws.ToString(out.Account), moto.Account)
	}
	got, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != moto.AccessKey || got.Source != "StaticCredentials" {
		t.Errorf("credentials = source %q, err %v; want static credentials", got.Source, err)
	}
}

func TestFormattedConfigHidesCredentials(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIACONFIGFORMAT01", SecretAccessKey: "config-format-secret", SessionToken: "config-format-token"}
	cfg, err := Config(context.Background(), c, "eu-west-1", "")
	if err != nil {
		t.Fatal(err)
	}
	// %s is the dangerous verb: fmt dumps the fields of pointers it cannot print as strings.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out := fmt.Sprintf(verb, cfg) + fmt.Sprintf(verb, &cfg)
		for _, v := range []string{c.AccessKeyID, c.SecretAccessKey, c.SessionToken} {
			if strings.Contains(out, v) {
				t.Errorf("Sprintf(%q, cfg) reveals %q", verb, v)
			}
		}
	}
}

// throttlingThenOK answers an STS Throttling error a number of times, then a
// valid GetCallerIdentity response.
func throttlingThenOK(throttles int32, calls *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n := calls.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		if n <= throttles {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
			return
		}
		_, _ = io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:iam::210987654321:user/ci</Arn><UserId>AIDEXAMPLE</UserId><Account>210987654321</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	})
}

func TestConfigRetriesThrottling(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(throttlingThenOK(3, &calls))
	defer srv.Close()
	var log bytes.Buffer
	cfg, err := Config(context.Background(), testCreds, "eu-west-1", srv.URL, WithLog(&log))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Retryer().MaxAttempts(); got != DefaultMaxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", got, DefaultMaxAttempts)
	}
	// Keep the test fast: no back-off sleeps, same attempt budget.
	client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.RetryMaxAttempts = DefaultMaxAttempts; o.Retryer = noDelay(o.Retryer) })
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("throttled call did not succeed after retries: %v", err)
	}
	if aws.ToString(out.Account) != "210987654321" || calls.Load() != 4 {
		t.Errorf("account %q after %d calls; want success on the 4th call", aws.ToString(out.Account), calls.Load())
	}
	if !strings.Contains(log.String(), "retrying") {
		t.Errorf("retry log is empty: %q", log.String())
	}
}

func TestConfigGivesUpAfterMaxAttempts(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(throttlingThenOK(100, &calls))
	defer srv.Close()
	cfg, err := Config(context.Background(), testCreds, "eu-west-1", srv.URL, WithMaxAttempts(3))
	if err != nil {
		t.Fatal(err)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Retryer = noDelay(o.Retryer) })
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("want an error once attempts are exhausted")
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.Load())
	}
}

// noDelay keeps a retryer's decisions but removes its back-off sleeps.
func noDelay(r aws.Retryer) aws.Retryer { return delayless{r} }

type delayless struct{ aws.Retryer }

func (d delayless) RetryDelay(int, error) (time.Duration, error) { return 0, nil }
