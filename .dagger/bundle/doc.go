// Package bundle renders and validates the deployment bundle of a CodeDeploy
// blue/green release to Amazon ECS: imageDetail.json, taskdef.json,
// appspec.yaml and a machine-readable release.json summary.
//
// The package makes no AWS calls and reads no clock: the caller passes in what
// it fetched (the described task definition, the stack outputs, the pushed
// image's digest URI, a timestamp), so rendering is deterministic and every
// decision is unit-tested.
//
// Two modes exist. In pipeline mode the files are CodePipeline artifacts: the
// app container's image is the placeholder <IMAGE1_NAME> and the appspec's
// TaskDefinition is <TASK_DEFINITION>, both filled in by the CodeDeploy-to-ECS
// action. In direct mode the image is the digest-pinned URI and TaskDefinition
// is the ARN the caller registered (see RenderTaskDefinition and
// RegisterInput), and the appspec travels inline (AppSpecContent).
//
// Everything is validated before anything is returned, and every violation is
// reported at once (see Violations), so a user fixes a bad input in one go.
//
// Validation is one engine of named rules (Rules, Check) that also checks
// artifacts written by other tools or by hand: any subset of taskdef.json,
// the appspec (YAML or JSON), imageDetail.json, imagedefinitions.json and
// release.json, for Fargate and EC2 alike. Each rule is of class aws (AWS
// refuses it) or policy (a careful team does); Check's Policy decides whether
// policy findings are errors, warnings or hidden. The rules are proved
// against the corpus in testdata/corpus.
//
// Files are taken for what they hold, whatever their names (Classify); a
// file that is no artifact is reported, and several task definitions or
// appspecs are checked pairing by pairing. Each finding carries the line and
// column of its key. One finding never hides another: the decoders repair
// what they report, and every rule runs on the rest.
//
// COVERAGE.md, generated from the table in coverage.go and checked by a
// test, lists every parameter of the ECS task definition and of the ECS
// appspec with the rules that check it, or why it cannot be checked offline.
package bundle
