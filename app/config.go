package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is everything the app reads from its environment.
type Config struct {
	// Port is the TCP port to listen on (PORT, default 3000).
	Port int
	// ShutdownTimeout bounds how long in-flight requests may run after
	// SIGTERM (SHUTDOWN_TIMEOUT, default 20s). The infrastructure sets it to
	// its maxRequestSeconds and the task's stopTimeout 10 s above that, so
	// ECS's SIGKILL never cuts a graceful shutdown short.
	ShutdownTimeout time.Duration
	// AppName is shown on the page and in logs (APP_NAME, default webapp).
	AppName string
	// Color is the deployment colour shown on the page (DEPLOYMENT_COLOR).
	// Empty means "derive one from the version", so every release looks
	// different in a browser without any configuration.
	Color string
	// DeploymentID identifies the deployment (DEPLOYMENT_ID), optional.
	DeploymentID string
	// Version is the git revision stamped at build time.
	Version string
}

// Defaults used when a variable is unset.
const (
	defaultPort            = 3000
	defaultShutdownTimeout = 20 * time.Second
	defaultAppName         = "webapp"
)

// LoadConfig reads the configuration through getenv (os.Getenv in main, a
// map in tests). Every problem is reported, each naming its variable.
func LoadConfig(getenv func(string) string, version string) (Config, error) {
	cfg := Config{
		Port:            defaultPort,
		ShutdownTimeout: defaultShutdownTimeout,
		AppName:         defaultAppName,
		Color:           strings.TrimSpace(getenv("DEPLOYMENT_COLOR")),
		DeploymentID:    strings.TrimSpace(getenv("DEPLOYMENT_ID")),
		Version:         version,
	}
	var problems []string
	if v := strings.TrimSpace(getenv("PORT")); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			problems = append(problems, fmt.Sprintf("PORT=%q is not a TCP port: want a whole number from 1 to 65535", v))
		} else {
			cfg.Port = p
		}
	}
	if v := strings.TrimSpace(getenv("SHUTDOWN_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 10*time.Minute {
			problems = append(problems, fmt.Sprintf("SHUTDOWN_TIMEOUT=%q is not a duration between 0s and 10m (examples: 20s, 1m30s)", v))
		} else {
			cfg.ShutdownTimeout = d
		}
	}
	if v := strings.TrimSpace(getenv("APP_NAME")); v != "" {
		if len(v) > 64 {
			problems = append(problems, fmt.Sprintf("APP_NAME is %d characters long: at most 64 are accepted", len(v)))
		} else {
			cfg.AppName = v
		}
	}
	if cfg.Color != "" && !validColor(cfg.Color) {
		problems = append(problems, fmt.Sprintf("DEPLOYMENT_COLOR=%q is not a colour: want a CSS colour name (blue, green) or #rgb/#rrggbb", cfg.Color))
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("invalid configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return cfg, nil
}

// validColor accepts a bare CSS colour name or a hex colour: the value is
// written into a style attribute, so anything else is refused.
func validColor(s string) bool {
	if strings.HasPrefix(s, "#") {
		hex := s[1:]
		if len(hex) != 3 && len(hex) != 6 {
			return false
		}
		for _, r := range hex {
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
		return true
	}
	if len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
