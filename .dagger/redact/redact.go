// Package redact removes secrets from values before they are quoted in an
// error or a log line.
package redact

import "strings"

// UserInfo hides the user information of an address or URL, even one that
// does not parse: user:password@host and scheme://user@host both become
// xxxxx@host. A mistyped endpoint or registry often carries an access key id
// or a password there.
func UserInfo(s string) string {
	i := strings.LastIndex(s, "@")
	if i < 0 {
		return s
	}
	if j := strings.Index(s, "://"); j >= 0 && j < i {
		return s[:j+3] + "xxxxx@" + s[i+1:]
	}
	return "xxxxx@" + s[i+1:]
}
