// Command weight-proxy is the load balancer of a rehearsal: a production and
// a test endpoint in front of the old and the new release's app, following
// the weights the stand-in's deployment writes onto the ELBv2 listener rules
// (see package weightproxy).
//
//	cd .dagger && go run ./cmd/weight-proxy -help
//
// Exit status: 0 after SIGTERM or an interrupt, 1 when an endpoint cannot
// listen or serve, 2 for a bad command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/weightproxy"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Credentials the stand-in accepts when none are given: it checks no
// signature, and these are no account's keys.
const (
	standinAccessKey = "testing"
	standinSecretKey = "testing"
)

// run serves until ctx ends. Weight changes and read errors go to stdout,
// one line each, after one line per endpoint naming its address.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "weight-proxy:", err)
		return 2
	}
	opts := weightproxy.Options{Upstreams: c.upstreams, Poll: c.poll, UpstreamTimeout: c.timeout, Log: stdout}
	var api *elbv2.Client
	for _, e := range c.endpoints {
		var src weightproxy.Source = e.fixed
		if e.arn != "" {
			if api == nil {
				if api, err = elbClient(ctx, c, getenv); err != nil {
					fmt.Fprintln(stderr, "weight-proxy:", err)
					return 2
				}
			}
			src = weightproxy.ListenerSource{API: api, ARN: e.arn, Upstreams: c.targetGroups}
		}
		opts.Endpoints = append(opts.Endpoints, weightproxy.Endpoint{Name: e.name, Source: src})
	}
	p, err := weightproxy.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "weight-proxy:", err)
		return 2
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	servers := make([]*http.Server, len(c.endpoints))
	errc := make(chan error, len(c.endpoints))
	for i, e := range c.endpoints {
		l, err := net.Listen("tcp", e.addr)
		if err != nil {
			fmt.Fprintf(stderr, "weight-proxy: the %s endpoint cannot listen on -%s-addr %q: %v\n", e.name, e.name, e.addr, err)
			return 1
		}
		defer l.Close()
		servers[i] = p.Server(e.name)
		fmt.Fprintf(stdout, "%s %s endpoint listening on %s, %s\n", time.Now().UTC().Format(time.RFC3339), e.name, l.Addr(), describe(e))
		go func() { errc <- fmt.Errorf("the %s endpoint stopped: %w", e.name, servers[i].Serve(l)) }()
	}
	go p.Follow(ctx)

	code := 0
	select {
	case <-ctx.Done():
	case err := <-errc:
		fmt.Fprintln(stderr, "weight-proxy:", err)
		code = 1
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	for _, s := range servers {
		_ = s.Shutdown(sctx)
	}
	return code
}

// elbClient builds the ELBv2 client for the stand-in. A read is tried
// twice at most: the next poll comes soon anyway.
func elbClient(ctx context.Context, c config, getenv func(string) string) (*elbv2.Client, error) {
	creds := awsenv.Credentials{
		AccessKeyID:     getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    getenv("AWS_SESSION_TOKEN"),
	}
	if strings.TrimSpace(creds.AccessKeyID) == "" && strings.TrimSpace(creds.SecretAccessKey) == "" {
		creds = awsenv.Credentials{AccessKeyID: standinAccessKey, SecretAccessKey: standinSecretKey}
	}
	cfg, err := awsenv.Config(ctx, creds, c.awsRegion, c.awsEndpoint, awsenv.WithMaxAttempts(2))
	if err != nil {
		return nil, err
	}
	return elbv2.NewFromConfig(cfg), nil
}

func describe(e endpointConfig) string {
	if e.arn != "" {
		return "following " + e.arn
	}
	return "fixed weights " + weightproxy.Weights(e.fixed).String()
}
