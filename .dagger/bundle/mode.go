package bundle

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// placeholderRE is a pipeline placeholder: the CodeDeploy-to-ECS action
// replaces <NAME> in taskdef.json with the image of its input artifact named
// by Image1ContainerName (…Image4ContainerName), and <TASK_DEFINITION> in the
// appspec with the ARN it registers. CDK's default image placeholder is <IMAGE>.
// https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html
var placeholderRE = regexp.MustCompile(`^<[A-Za-z0-9_]+>$`)

// isPlaceholder reports whether s is a pipeline placeholder such as <IMAGE1_NAME>.
func isPlaceholder(s string) bool { return placeholderRE.MatchString(s) }

// imagePlaceholders lists the containers (by path) whose image is a placeholder.
func (a *Artifacts) imagePlaceholders() []string {
	var out []string
	if a.TaskDef == nil {
		return nil
	}
	for i, cd := range a.TaskDef.ContainerDefinitions {
		if isPlaceholder(aws.ToString(cd.Image)) {
			out = append(out, containerPath(a.TaskDef, i)+".image")
		}
	}
	return out
}

// target returns the appspec's single ECS service properties, or nil.
func (a *Artifacts) target() *AppSpecProperties {
	if a.AppSpec == nil {
		return nil
	}
	return a.AppSpec.Target()
}

// inferMode returns the mode to check in and, when it was inferred, why.
// Placeholders mean a pipeline fills the set in; a registered task definition
// ARN in the appspec means the set is deployed as it is (direct); a bare
// imageDetail.json is a pipeline artifact; anything else is checked as it
// would run (direct).
func (a *Artifacts) inferMode(m Mode) (Mode, string) {
	if m != ModeAuto {
		return m, ""
	}
	if ph := a.imagePlaceholders(); len(ph) > 0 {
		return ModePipeline, fmt.Sprintf("%s: %s is a placeholder", a.fileOf(FileTaskDef), ph[0])
	}
	if t := a.target(); t != nil {
		switch {
		case isPlaceholder(t.TaskDefinition):
			return ModePipeline, fmt.Sprintf("%s: TaskDefinition is the placeholder %s", a.fileOf(FileAppSpec), t.TaskDefinition)
		case t.TaskDefinition != "":
			return ModeDirect, fmt.Sprintf("%s: TaskDefinition is %q, not a placeholder", a.fileOf(FileAppSpec), t.TaskDefinition)
		}
	}
	if a.has(FileImageDetail) {
		return ModePipeline, FileImageDetail + " is present (a pipeline input)"
	}
	return ModeDirect, "no placeholders: the files are checked as they will run"
}
