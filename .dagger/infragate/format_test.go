package infragate

import (
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]bool{"": false, "text": false, "json": true} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("%q: %t %v", in, got, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || !strings.Contains(err.Error(), `"yaml"`) || !strings.Contains(err.Error(), "json") {
		t.Errorf("yaml: %v", err)
	}
}

func TestCheckDirect(t *testing.T) {
	if err := CheckDirect(true, false, nil); err != nil {
		t.Error(err)
	}
	if err := CheckDirect(false, true, []string{"replace-service"}); err != nil {
		t.Error(err)
	}
	if err := CheckDirect(true, true, nil); err == nil || !strings.Contains(err.Error(), "dry-run") {
		t.Errorf("dry run: %v", err)
	}
	if err := CheckDirect(true, false, []string{"replace-service"}); err == nil || !strings.Contains(err.Error(), "replace-service") {
		t.Errorf("allow: %v", err)
	}
}
