package cdkcmd

import (
	"strings"
	"testing"
)

func TestFormatOutputs(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "sorted stacks and aligned sorted keys",
			in: `{"webapp-service": {"ServiceName": "svc", "ClusterName": "c", "ContainerPort": "3000"},
			      "webapp-ecr": {"RepositoryUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp"}}`,
			want: "webapp-ecr\n" +
				"  RepositoryUri = 123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp\n" +
				"webapp-service\n" +
				"  ClusterName   = c\n" +
				"  ContainerPort = 3000\n" +
				"  ServiceName   = svc\n",
		},
		{name: "nothing deployed", in: `{}`, want: "(no stack outputs)\n"},
		{name: "stack without outputs", in: `{"webapp-network": {}}`, want: "webapp-network\n  (no outputs)\n"},
		{name: "number and boolean kept as written", in: `{"s": {"Port": 3000, "On": true}}`, want: "s\n  On   = true\n  Port = 3000\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FormatOutputs([]byte(tt.in))
			if err != nil {
				t.Fatalf("FormatOutputs: %v", err)
			}
			if got != tt.want {
				t.Fatalf("FormatOutputs\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseOutputsRejects(t *testing.T) {
	for in, want := range map[string]string{
		``:                         "reading CDK outputs file",
		`[]`:                       "reading CDK outputs file",
		`{"s": "x"}`:               "reading CDK outputs file",
		`{"s": {"K": {"a": "b"}}}`: "output s.K",
		`{"s": {"K": ["a"]}}`:      "output s.K",
	} {
		_, err := ParseOutputs([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseOutputs(%q) error = %v, want it to contain %q", in, err, want)
		}
	}
}

func TestParseOutputsValues(t *testing.T) {
	o, err := ParseOutputs([]byte(`{"webapp-service": {"Subnets": "subnet-1,subnet-2", "ContainerPort": "3000"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := o["webapp-service"]["Subnets"]; got != "subnet-1,subnet-2" {
		t.Fatalf("Subnets = %q", got)
	}
}
