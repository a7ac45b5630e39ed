package buildplan

// Step is one command of the in-container test run, in a directory of the
// source tree.
type Step struct {
	Dir  string
	Args []string
}

// TestSteps is what the `test` function runs: vet and test for each Go
// module of the project. Tests that need node, cfn-lint, moto_server or the
// aws CLI skip inside a plain Go image (CI is not set there).
func TestSteps(short bool) []Step {
	test := []string{"go", "test", "-count=1"}
	if short {
		test = append(test, "-short")
	}
	var steps []Step
	for _, mod := range []struct{ dir, pkgs string }{
		{".", "./..."},
		{"infra", "./..."},
		{".dagger", "./..."},
	} {
		steps = append(steps,
			Step{Dir: mod.dir, Args: []string{"go", "vet", mod.pkgs}},
			Step{Dir: mod.dir, Args: append(append([]string{}, test...), mod.pkgs)},
		)
	}
	return steps
}

// AppSourceExclude keeps everything but the app's own module out of the
// image build, so editing the infrastructure, docs or this module never
// invalidates the cached app build.
var AppSourceExclude = []string{".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"}
