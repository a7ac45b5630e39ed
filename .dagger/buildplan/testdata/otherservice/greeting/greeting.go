// Package greeting words the payments service's answer; it has no
// dependencies and lives in its own module, replaced locally.
package greeting

// For names who answered and which build did.
func For(name, version string) string {
	if name == "" {
		name = "payments"
	}
	return name + " says hello (" + version + ")\n"
}
