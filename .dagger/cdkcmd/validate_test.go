package cdkcmd

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestValidateStackName(t *testing.T) {
	good := []string{"webapp-ecr", "A", "CDKToolkit", "a" + strings.Repeat("b", 127)}
	bad := []string{"", "1webapp", "-webapp", "webapp_ecr", "webapp ecr", "web*", "a" + strings.Repeat("b", 128), "webapp/ecr"}
	for _, s := range good {
		if err := ValidateStackName(s); err != nil {
			t.Errorf("ValidateStackName(%q) = %v, want ok", s, err)
		}
	}
	for _, s := range bad {
		err := ValidateStackName(s)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Input != "stack" || ie.Value != s {
			t.Errorf("ValidateStackName(%q) = %v, want an InputError for stack naming the value", s, err)
		}
	}
}

func TestValidateRegion(t *testing.T) {
	good := []string{"us-east-1", "eu-west-3", "ap-southeast-5", "us-gov-west-1", "cn-north-1", "us-isob-east-1", "il-central-1"}
	bad := []string{"", "us-east", "US-EAST-1", "useast1", "us-east-1a", "us-east-123", " us-east-1", "global"}
	for _, s := range good {
		if err := ValidateRegion(s); err != nil {
			t.Errorf("ValidateRegion(%q) = %v, want ok", s, err)
		}
	}
	for _, s := range bad {
		err := ValidateRegion(s)
		if err == nil || !strings.Contains(err.Error(), `invalid region "`+s+`"`) || !strings.Contains(err.Error(), "us-east-1") {
			t.Errorf("ValidateRegion(%q) = %v, want an error naming the value and an example", s, err)
		}
	}
}

func TestInputErrorMessage(t *testing.T) {
	err := BadInput("stack", "x y", "letters")
	if got, want := err.Error(), `invalid stack "x y": letters`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestParseContext(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    map[string]string
		wantErr string
	}{
		{"empty", nil, map[string]string{}, ""},
		{"pairs", []string{"appName=shop", "memory=4096"}, map[string]string{"appName": "shop", "memory": "4096"}, ""},
		{"value with equals and empty value", []string{"image=repo@sha256:ab=", "certificateArn="}, map[string]string{"image": "repo@sha256:ab=", "certificateArn": ""}, ""},
		{"feature flag key", []string{"@aws-cdk/aws-ecs:flag=true"}, map[string]string{"@aws-cdk/aws-ecs:flag": "true"}, ""},
		{"no equals", []string{"appName"}, nil, `invalid context "appName": key=value`},
		{"empty key", []string{"=x"}, nil, `invalid context key ""`},
		{"key with space", []string{"app name=x"}, nil, `invalid context key "app name"`},
		{"duplicate", []string{"appName=a", "appName=b"}, nil, "appName is given twice"},
		{"control character", []string{"appName=a\tb"}, nil, "context value for appName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseContext(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseContext(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseContext(%q): %v", tt.in, err)
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("ParseContext(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateEnvironment(t *testing.T) {
	if err := ValidateEnvironment("aws://123456789012/eu-west-1"); err != nil {
		t.Fatalf("valid environment refused: %v", err)
	}
	for _, s := range []string{"", "123456789012/eu-west-1", "aws://123456789012", "aws://12345678901a/eu-west-1", "aws://123456789012/EU"} {
		if err := ValidateEnvironment(s); err == nil || !strings.Contains(err.Error(), "aws://<12-digit account>/<region>") {
			t.Errorf("ValidateEnvironment(%q) = %v, want an error showing the accepted form", s, err)
		}
	}
}

func TestNormalizeEndpoint(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"", "", ""},
		{"http://localhost:5000", "http://localhost:5000", ""},
		{"http://localhost:5000/", "http://localhost:5000", ""},
		{"http://127.0.0.1:5000", "http://localhost:5000", ""},
		{"https://localstack.internal:4566", "https://localstack.internal:4566", ""},
		{"https://moto", "https://moto", ""},
		{"http://[::1]:5000", "http://[::1]:5000", ""},
		{"localhost:5000", "", `invalid AWS endpoint "localhost:5000"`},
		{"ftp://localhost", "", `invalid AWS endpoint "ftp://localhost"`},
		{"http://", "", `invalid AWS endpoint "http://"`},
		{"http://localhost:5000/api", "", "no path"},
		{"http://localhost:5000?x=1", "", "no path"},
		{"http://AKIAEXAMPLE:hunter2@localhost:5000", "", "REDACTED@localhost:5000"},
	}
	for _, tt := range tests {
		got, err := NormalizeEndpoint(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NormalizeEndpoint(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "AKIAEXAMPLE")) {
				t.Errorf("NormalizeEndpoint(%q) leaks credentials in %q", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeEndpoint(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestValidateAccount(t *testing.T) {
	if err := ValidateAccount("123456789012"); err != nil {
		t.Fatalf("valid account refused: %v", err)
	}
	for _, s := range []string{"", "12345678901", "1234567890123", "12345678901a", " 123456789012"} {
		if err := ValidateAccount(s); err == nil || !strings.Contains(err.Error(), `invalid account "`+s+`"`) {
			t.Errorf("ValidateAccount(%q) = %v, want an error naming the value", s, err)
		}
	}
}
