package awsenv

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// recordURL answers nothing and remembers the URL of the one request.
type recordURL struct{ url string }

var errStop = errors.New("recorded")

func (r *recordURL) Do(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.RawQuery = ""
	r.url = u.String()
	return nil, errStop
}

func TestS3AddressesBucketsPathStyleBehindAnEndpoint(t *testing.T) {
	for _, c := range []struct {
		endpoint, want string
	}{
		{"http://aws-localhost:4566", "http://aws-localhost:4566/artifacts/appspec.yaml"},
		{"", "https://artifacts.s3.us-east-1.amazonaws.com/appspec.yaml"},
	} {
		rec := &recordURL{}
		cfg := aws.Config{Region: "us-east-1", HTTPClient: rec, RetryMaxAttempts: 1,
			Credentials: aws.AnonymousCredentials{}}
		if c.endpoint != "" {
			cfg.BaseEndpoint = aws.String(c.endpoint)
		}
		_, err := S3(cfg).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("artifacts"), Key: aws.String("appspec.yaml")})
		if !errors.Is(err, errStop) {
			t.Fatalf("endpoint %q: err = %v, want the recorded stop", c.endpoint, err)
		}
		if rec.url != c.want {
			t.Errorf("endpoint %q: request to %s, want %s", c.endpoint, rec.url, c.want)
		}
	}
}
