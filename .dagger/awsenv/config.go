// Package awsenv turns the module's in-memory AWS options (static credentials,
// region, optional endpoint override) into an aws.Config that every AWS client
// of the module shares.
//
// It deliberately does not read the environment or shared config files: inside
// the Dagger engine those belong to nobody, and a configuration that silently
// picked up stray files would behave differently on a laptop and in CI.
package awsenv

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"

	"dagger/ecs-bluegreen/redact"
)

// DefaultMaxAttempts is how many times a throttled or transiently failing AWS
// call is tried. Deployments poll CloudFormation, ECS and CodeDeploy for a long
// time, and a burst of ThrottlingException must not fail a release.
const DefaultMaxAttempts = 8

// regionPattern accepts commercial (us-east-1), China (cn-north-1), GovCloud
// (us-gov-west-1) and ISO (us-iso-east-1, us-isob-east-1) region names.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$`)

// ValidateRegion checks an AWS region name before any client is built.
func ValidateRegion(region string) error {
	if region == "" {
		return fmt.Errorf("aws region is empty: pass --region, e.g. --region eu-west-1")
	}
	if !regionPattern.MatchString(region) {
		return fmt.Errorf("aws region %q is not a region name: expected lowercase like us-east-1, eu-west-1 or us-gov-west-1", region)
	}
	return nil
}

// ValidateEndpoint checks an endpoint override: an absolute http or https URL
// with a host, no credentials and no query. An empty endpoint means "use the
// AWS endpoints" and is valid.
func ValidateEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("aws endpoint %q is not a usable URL: expected http(s)://host[:port], e.g. http://localhost:4566", redact.UserInfo(endpoint))
	}
	if u.User != nil {
		// Credentials in the URL would be sent and logged by every client.
		return fmt.Errorf("aws endpoint %q must not carry user information; pass credentials with --aws-access-key-id and --aws-secret-access-key", redact.UserInfo(endpoint))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("aws endpoint %q must not have a query or fragment: expected http(s)://host[:port]", redact.UserInfo(endpoint))
	}
	return nil
}

// Option adjusts Config.
type Option func(*options)

type options struct {
	log         io.Writer
	maxAttempts int
	httpClient  aws.HTTPClient
}

// WithLog sends the SDK's retry notices to w. Request and response logging
// (which would include signed headers naming the access key) is never enabled.
func WithLog(w io.Writer) Option { return func(o *options) { o.log = w } }

// WithMaxAttempts overrides DefaultMaxAttempts (values below 1 are ignored).
func WithMaxAttempts(n int) Option { return func(o *options) { o.maxAttempts = n } }

// WithHTTPClient sets the HTTP client every AWS client uses.
func WithHTTPClient(c aws.HTTPClient) Option { return func(o *options) { o.httpClient = c } }

// Config builds the shared aws.Config: static credentials from memory, a
// validated region, the endpoint override (applied to every client through
// BaseEndpoint) and the standard retryer with throttling back-off. Nothing is
// read from the environment or from files.
func Config(ctx context.Context, creds Credentials, region, endpoint string, opts ...Option) (aws.Config, error) {
	o := options{maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxAttempts < 1 {
		o.maxAttempts = DefaultMaxAttempts
	}
	if err := ValidateRegion(region); err != nil {
		return aws.Config{}, err
	}
	if err := ValidateEndpoint(endpoint); err != nil {
		return aws.Config{}, err
	}
	c, err := creds.Normalize()
	if err != nil {
		return aws.Config{}, err
	}
	if err := ctx.Err(); err != nil {
		return aws.Config{}, err
	}
	maxAttempts := o.maxAttempts
	cfg := aws.Config{
		Region: region,
		// Each client caches what the provider returns; the provider itself
		// only has to stay unprintable.
		Credentials: staticProvider{p: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)},
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = maxAttempts
			})
		},
		HTTPClient: o.httpClient,
		Logger:     logging.Nop{},
	}
	if o.log != nil {
		cfg.Logger = logging.NewStandardLogger(o.log)
		cfg.ClientLogMode = aws.LogRetries
	}
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(strings.TrimRight(endpoint, "/"))
	}
	return cfg, nil
}
