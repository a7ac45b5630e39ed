package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/validatecmd"
)

// Validate checks ECS / CodeDeploy deployment artifacts offline, from any
// tool or hand: task definitions, appspecs (YAML or JSON), imageDetail.json,
// imagedefinitions.json and release.json, any subset of them, under any file
// names. It returns the report, and fails when there are errors.
func (m *EcsBluegreen) Validate(
	ctx context.Context,
	// Directory holding the artifacts, e.g. ./dist: every *.json, *.yaml and *.yml file in it is taken for what it holds, whatever its name, and a file that is no artifact is reported.
	// +optional
	bundle *dagger.Directory,
	// Artifact files, e.g. --file taskdef-prod.json --file appspec.yaml; each is recognized by its content.
	// +optional
	file []*dagger.File,
	// auto (infer from placeholders and which files are present), pipeline (placeholders the CodeDeploy-to-ECS action fills in) or direct (deployed as they are).
	// +optional
	// +default="auto"
	mode string,
	// What policy findings (an image not pinned by digest, a public IP…) are: strict (errors), warn (warnings) or off.
	// +optional
	// +default="warn"
	policy string,
	// Report format: text, json or sarif (SARIF 2.1.0 for GitHub code scanning, with the file, line and column of each finding). With sarif the log is returned even when there are errors, so it can be uploaded; code scanning then shows them.
	// +optional
	// +default="text"
	format string,
) (string, error) {
	files := map[string][]byte{}
	if bundle != nil {
		names, err := bundle.Entries(ctx)
		if err != nil {
			return "", fmt.Errorf("listing --bundle: %w", err)
		}
		for _, name := range names {
			if !validatecmd.IsCandidateName(name) || strings.HasSuffix(name, "/") {
				continue
			}
			data, err := bundle.File(name).Contents(ctx)
			if err != nil {
				return "", fmt.Errorf("reading %s from --bundle: %w", name, err)
			}
			files[name] = []byte(data)
		}
	}
	for _, f := range file {
		name, err := f.Name(ctx)
		if err != nil {
			return "", fmt.Errorf("reading --file: %w", err)
		}
		data, err := f.Contents(ctx)
		if err != nil {
			return "", fmt.Errorf("reading --file %s: %w", name, err)
		}
		files[name] = []byte(data)
	}
	report, errs, err := validatecmd.Validate(files, validatecmd.Options{Mode: mode, Policy: policy, Format: format})
	if err != nil {
		return "", err
	}
	if errs > 0 && format != "sarif" {
		return "", fmt.Errorf("the deployment artifacts have errors:\n%s", report)
	}
	return report, nil
}
