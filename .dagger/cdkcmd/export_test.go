package cdkcmd

// Test helpers shared with the package's external tests (gate_test.go),
// which import packages that import this one.
var (
	CDKAppForTest = cdkApp
	RunForTest    = run
)
