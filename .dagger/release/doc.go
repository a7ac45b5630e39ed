// Package release is the release recipe without the containers: it reads
// what the infrastructure deployed (stack outputs, the task definition the
// stack registered, the ECS service and the revision it runs), renders and
// validates the CodeDeploy bundle for a pushed image from the stack's task
// definition, says how it differs from what runs now (Plan.Diff), and, for
// a direct deployment, registers the task definition and
// runs the blue/green deployment. The stack's DeploymentMode output picks
// the path: CodeDeploy (Deploy), or in ecs mode an UpdateService followed
// as an ECS service deployment (DeployNative) with imagedefinitions.json as
// the pipeline artifact (RenderNative).
//
// Everything that can be checked is checked before the first mutating call
// (push, RegisterTaskDefinition, CreateDeployment): Load fails on a missing
// or hook-mode stack, Options.Validate on bad hooks or modes, and Preflight
// renders the complete bundle against the image's digest before it is
// pushed.
package release
