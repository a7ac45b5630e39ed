package main

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// healthcheckFlag makes the binary probe its own /healthz and exit 0 or 1:
// the image has no shell or curl, so an ECS container health check runs
// ["/app", "-healthcheck"].
const healthcheckFlag = "-healthcheck"

// probe asks the app on this host's PORT for /healthz.
func probe(port int, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout}
	resp, err := client.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/healthz")
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: /healthz answered %d", resp.StatusCode)
	}
	return nil
}
