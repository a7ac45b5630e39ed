package bundle

import (
	"strings"
	"testing"
)

// TestCorpusTaskDefsAgainstAWSCLI registers every task definition of the
// corpus with `aws ecs register-task-definition --cli-input-json` (the AWS
// CLI's own parameter validation, then moto): the valid sets' task
// definitions must be accepted, and the sets refused for their shape
// (unknown or read-only members, wrong JSON types) must be refused by the CLI
// too, so the engine agrees with AWS's own tooling in both directions.
func TestCorpusTaskDefsAgainstAWSCLI(t *testing.T) {
	// motoDiffers lists where moto is stricter than ECS, with the error moto
	// gives. ECS documents that without a task-level memory a container needs
	// "one or both of memory or memoryReservation"; moto wants memory on EC2.
	// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory
	motoDiffers := map[string]string{
		"valid-ec2-bridge-appspec-json": "At least one of 'memory' or 'memoryReservation' must be specified",
	}
	cli := newAWSCLI(t)
	checked := 0
	// The CLI is a Python program that takes a second to start: the sets run
	// as parallel subtests of one group, which ends before the count is read.
	t.Run("sets", func(t *testing.T) {
		for _, c := range loadCorpus(t) {
			for name, data := range c.files {
				if kind, _ := ArtifactKind(name, data); kind != FileTaskDef {
					continue
				}
				if !c.valid && c.rule != "taskdef-shape" && c.rule != "taskdef-json" {
					continue // AWS checks those rules server-side or not at all; moto does not
				}
				checked++
				t.Run(c.name+"/"+name, func(t *testing.T) {
					t.Parallel()
					_, stderr, err := cli.register(t, c.name+"-"+name, data)
					if why, ok := motoDiffers[c.name]; ok && err != nil && strings.Contains(stderr, why) {
						return // the CLI's validation passed; moto refuses for its own documented reason
					}
					switch {
					case c.valid && err != nil:
						t.Errorf("the AWS CLI refused a valid task definition: %v\n%s", err, stderr)
					case !c.valid && err == nil:
						t.Errorf("the AWS CLI accepted a task definition the engine refuses for %s", c.rule)
					case !c.valid && !strings.Contains(stderr, "Parameter validation failed") && !strings.Contains(stderr, "Error parsing parameter"):
						t.Errorf("the AWS CLI refused it for another reason:\n%s", stderr)
					}
				})
			}
		}
	})
	if checked < 15 {
		t.Fatalf("only %d task definitions were checked", checked)
	}
}
