package main

import "dagger/ecs-bluegreen/buildplan"

// releasePlatforms decides what release builds: the given platforms when one
// of them runs on the task definition's CPU architecture, else the platform
// of that architecture. With --image nothing is built and a given platform
// list is checked the same way.
func releasePlatforms(given []string, image string, check buildplan.ArchitectureCheck) ([]string, error) {
	if len(given) == 0 {
		if image != "" {
			return nil, nil
		}
		p, err := buildplan.PlatformFor(check)
		if err != nil {
			return nil, err
		}
		return []string{p.String()}, nil
	}
	platforms, err := buildplan.ParsePlatforms(given)
	if err != nil {
		return nil, err
	}
	if err := buildplan.CheckPlatforms(platforms, check); err != nil {
		return nil, err
	}
	return given, nil
}
