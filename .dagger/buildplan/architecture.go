package buildplan

// ArchitectureCheck answers whether an image for a Fargate CPU architecture
// (X86_64, ARM64) may run where it is going; release.Plan.CheckArchitecture
// fits.
type ArchitectureCheck func(fargateArch string) error

// CheckPlatforms accepts a platform list when one of its platforms passes
// check (Fargate picks the matching manifest from an index); otherwise it
// returns check's own error for the first platform, which says what to pass.
func CheckPlatforms(platforms []Platform, check ArchitectureCheck) error {
	var first error
	for _, p := range platforms {
		err := check(p.FargateCPUArchitecture())
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// PlatformFor picks the supported platform check accepts: the platform to
// build when the caller gave none.
func PlatformFor(check ArchitectureCheck) (Platform, error) {
	var first error
	for _, p := range Supported {
		err := check(p.FargateCPUArchitecture())
		if err == nil {
			return p, nil
		}
		if first == nil {
			first = err
		}
	}
	return Platform{}, first
}

// ReleasePlatforms decides what a release builds: the given platforms when
// one of them runs on the task definition's CPU architecture (check), else,
// when none are given, the platform of that architecture. For a prebuilt
// image (nothing to build) an empty list stays empty.
func ReleasePlatforms(given []string, prebuilt bool, check ArchitectureCheck) ([]string, error) {
	if len(given) == 0 {
		if prebuilt {
			return nil, nil
		}
		p, err := PlatformFor(check)
		if err != nil {
			return nil, err
		}
		return []string{p.String()}, nil
	}
	platforms, err := ParsePlatforms(given)
	if err != nil {
		return nil, err
	}
	if err := CheckPlatforms(platforms, check); err != nil {
		return nil, err
	}
	out := make([]string, len(platforms))
	for i, p := range platforms {
		out[i] = p.String()
	}
	return out, nil
}
