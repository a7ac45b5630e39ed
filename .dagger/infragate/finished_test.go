package infragate

import "testing"

func TestFinishedStatuses(t *testing.T) {
	for status, want := range map[string][2]bool{
		"CREATE_COMPLETE":                     {true, true},
		"UPDATE_COMPLETE":                     {true, true},
		"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": {false, false},
		"UPDATE_IN_PROGRESS":                  {false, false},
		"UPDATE_ROLLBACK_COMPLETE":            {true, false},
		"ROLLBACK_COMPLETE":                   {true, false},
		"UPDATE_ROLLBACK_FAILED":              {true, false},
		"CREATE_FAILED":                       {true, false},
	} {
		done, ok := finished(status)
		if done != want[0] || ok != want[1] {
			t.Errorf("%s: done=%t ok=%t, want %v", status, done, ok, want)
		}
	}
}
