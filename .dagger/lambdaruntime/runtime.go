// Package lambdaruntime is a small client of the AWS Lambda runtime API, so
// a Go function runs on the provided.al2023 runtime without a framework:
// fetch the next invocation, hand its payload to a handler, post the answer
// or the error, repeat.
package lambdaruntime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Handler answers one invocation's payload with the response document.
type Handler func(ctx context.Context, payload []byte) ([]byte, error)

// Invocation headers the runtime API sets.
const (
	headerRequestID   = "Lambda-Runtime-Aws-Request-Id"
	headerDeadline    = "Lambda-Runtime-Deadline-Ms"
	headerErrorType   = "Lambda-Runtime-Function-Error-Type"
	apiVersion        = "2018-06-01"
	maxResponseBytes  = 6 << 20 // Lambda's synchronous response limit
	errorTypeHandler  = "Handler.Error"
	errorTypePanic    = "Handler.Panic"
	errorTypeInit     = "Runtime.InitError"
	errorTypeTooLarge = "Runtime.ResponseTooLarge"
)

// Client talks to one runtime API endpoint (the AWS_LAMBDA_RUNTIME_API
// host:port).
type Client struct {
	base string
	http *http.Client
}

// New returns a client for the runtime API at hostPort.
func New(hostPort string) (*Client, error) {
	if hostPort == "" {
		return nil, errors.New("AWS_LAMBDA_RUNTIME_API is empty: this program runs as a Lambda function on a provided runtime")
	}
	u, err := url.Parse("http://" + hostPort)
	if err != nil || u.Host != hostPort {
		return nil, fmt.Errorf("AWS_LAMBDA_RUNTIME_API %q is not a host:port", hostPort)
	}
	// No client timeout: the next-invocation request waits as long as the
	// function stays idle.
	return &Client{base: "http://" + hostPort + "/" + apiVersion + "/runtime", http: &http.Client{}}, nil
}

// Serve runs invocations one at a time until ctx ends (then it returns nil)
// or the runtime API cannot be reached (then it returns the error, and
// Lambda starts a fresh environment). A handler's error or panic is posted
// as the invocation's error and the loop goes on.
func (c *Client) Serve(ctx context.Context, h Handler) error {
	for {
		id, deadline, payload, err := c.next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := c.invoke(ctx, h, id, deadline, payload); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

func (c *Client) next(ctx context.Context) (id string, deadline time.Time, payload []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/invocation/next", nil)
	if err != nil {
		return "", time.Time{}, nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", time.Time{}, nil, fmt.Errorf("lambda runtime API: next invocation: %w", err)
	}
	defer resp.Body.Close()
	payload, err = io.ReadAll(resp.Body)
	if err != nil {
		return "", time.Time{}, nil, fmt.Errorf("lambda runtime API: reading the invocation: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", time.Time{}, nil, fmt.Errorf("lambda runtime API: next invocation answered HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(payload))
	}
	id = resp.Header.Get(headerRequestID)
	if id == "" {
		return "", time.Time{}, nil, fmt.Errorf("lambda runtime API: invocation without %s", headerRequestID)
	}
	if ms, err := strconv.ParseInt(resp.Header.Get(headerDeadline), 10, 64); err == nil {
		deadline = time.UnixMilli(ms)
	}
	return id, deadline, payload, nil
}

// invoke runs the handler under the invocation's deadline and posts its
// outcome.
func (c *Client) invoke(ctx context.Context, h Handler, id string, deadline time.Time, payload []byte) error {
	hctx := ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		hctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	out, errType, err := call(hctx, h, payload)
	if err == nil && len(out) > maxResponseBytes {
		errType, err = errorTypeTooLarge, fmt.Errorf("response of %d bytes exceeds Lambda's %d", len(out), maxResponseBytes)
	}
	if err != nil {
		return c.postError(ctx, "/invocation/"+url.PathEscape(id)+"/error", errType, err)
	}
	return c.post(ctx, "/invocation/"+url.PathEscape(id)+"/response", out, nil)
}

func call(ctx context.Context, h Handler, payload []byte) (out []byte, errType string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, errType, err = nil, errorTypePanic, fmt.Errorf("panic: %v", r)
		}
	}()
	out, err = h(ctx, payload)
	if err != nil {
		return nil, errorTypeHandler, err
	}
	return out, "", nil
}

// InitError reports a failure before the first invocation (bad
// configuration), so Lambda shows it instead of a bare exit.
func (c *Client) InitError(ctx context.Context, err error) error {
	return c.postError(ctx, "/init/error", errorTypeInit, err)
}

func (c *Client) postError(ctx context.Context, path, errType string, err error) error {
	body, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{err.Error(), errType})
	return c.post(ctx, path, body, map[string]string{headerErrorType: errType})
}

func (c *Client) post(ctx context.Context, path string, body []byte, headers map[string]string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("lambda runtime API: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("lambda runtime API: POST %s answered HTTP %d: %s", path, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
