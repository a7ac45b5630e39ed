package main

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(env(nil), "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 3000 || cfg.ShutdownTimeout != 20*time.Second || cfg.AppName != "webapp" || cfg.Version != "abc123" {
		t.Fatalf("defaults = %+v", cfg)
	}
	if cfg, _ := LoadConfig(env(nil), ""); cfg.Version != "dev" {
		t.Fatalf("empty version should read dev, got %q", cfg.Version)
	}
}

func TestLoadConfigReadsEnvironment(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{
		"PORT": "8081", "SHUTDOWN_TIMEOUT": "1m30s", "APP_NAME": "shop",
		"DEPLOYMENT_COLOR": "green", "DEPLOYMENT_ID": "d-ABC123",
	}), "v1")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 8081 || cfg.ShutdownTimeout != 90*time.Second || cfg.AppName != "shop" || cfg.Color != "green" || cfg.DeploymentID != "d-ABC123" {
		t.Fatalf("cfg = %+v", cfg)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"port not a number", map[string]string{"PORT": "http"}, `PORT="http" is not a TCP port`},
		{"port zero", map[string]string{"PORT": "0"}, `PORT="0"`},
		{"port too big", map[string]string{"PORT": "70000"}, `PORT="70000"`},
		{"negative port", map[string]string{"PORT": "-1"}, `PORT="-1"`},
		{"shutdown not a duration", map[string]string{"SHUTDOWN_TIMEOUT": "20"}, `SHUTDOWN_TIMEOUT="20" is not a duration`},
		{"shutdown too long", map[string]string{"SHUTDOWN_TIMEOUT": "1h"}, `SHUTDOWN_TIMEOUT="1h"`},
		{"colour injection", map[string]string{"DEPLOYMENT_COLOR": "red;}body{"}, `DEPLOYMENT_COLOR="red;}body{"`},
		{"bad hex colour", map[string]string{"DEPLOYMENT_COLOR": "#12345"}, `DEPLOYMENT_COLOR="#12345"`},
		{"long app name", map[string]string{"APP_NAME": strings.Repeat("x", 65)}, "APP_NAME is 65 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(env(tc.env), "v")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"PORT": "x", "SHUTDOWN_TIMEOUT": "y"}), "v")
	if err == nil || !strings.Contains(err.Error(), "PORT=") || !strings.Contains(err.Error(), "SHUTDOWN_TIMEOUT=") {
		t.Fatalf("want both variables named, got %v", err)
	}
}
