// Command app is the web app that ecs-bluegreen ships: it shows its name,
// version and deployment colour, so a blue/green cutover can be watched in a
// browser, and answers the load balancer's health check on /healthz.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// version is the git revision, stamped at build time with
// -ldflags "-X main.version=<rev>".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process exit, so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr *os.File) int {
	logger := slog.New(slog.NewJSONHandler(stdout, nil))
	cfg, err := LoadConfig(getenv, version)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	switch {
	case len(args) == 1 && args[0] == healthcheckFlag:
		if err := probe(cfg.Port, 3*time.Second); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	case len(args) > 0:
		fmt.Fprintf(stderr, "unknown arguments %q: the app is configured through its environment (PORT, SHUTDOWN_TIMEOUT, APP_NAME, DEPLOYMENT_COLOR, DEPLOYMENT_ID); the only flag is %s\n", args, healthcheckFlag)
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()

	l, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		fmt.Fprintf(stderr, "cannot listen on PORT=%d: %v\n", cfg.Port, err)
		return 1
	}
	host, _ := os.Hostname()
	if err := Serve(ctx, l, NewHandler(cfg, host, logger), cfg, logger); err != nil {
		logger.Error("server stopped with an error", "error", err.Error())
		return 1
	}
	return 0
}
