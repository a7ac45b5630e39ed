package bundle

import (
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Rules about the task's IAM roles.

// The execution role is what ECS itself uses to pull private ECR images and
// write awslogs on Fargate, and to read secrets, repository credentials and
// environment files on any launch type.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
func ruleExecutionRole(r *run) {
	td := r.a.TaskDef
	if td == nil || aws.ToString(td.ExecutionRoleArn) != "" {
		return
	}
	var why string
	for i, cd := range td.ContainerDefinitions {
		p := containerPath(td, i)
		image := aws.ToString(cd.Image)
		switch {
		case len(cd.Secrets) > 0:
			why = p + ".secrets are read by ECS with it"
		case cd.LogConfiguration != nil && len(cd.LogConfiguration.SecretOptions) > 0:
			why = p + ".logConfiguration.secretOptions are read by ECS with it"
		case cd.RepositoryCredentials != nil:
			why = p + ".repositoryCredentials are read by ECS with it"
		case len(cd.EnvironmentFiles) > 0:
			why = p + ".environmentFiles are read by ECS with it"
		case isFargate(td) && strings.Contains(image, ".dkr.ecr.") && !isPlaceholder(image):
			why = p + ".image is a private ECR image, which Fargate pulls with it"
		case isFargate(td) && isPlaceholder(image) && r.a.ImageDetail != nil && strings.Contains(r.a.ImageDetail.ImageURI, ".dkr.ecr."):
			why = p + ".image will be the private ECR image of " + FileImageDetail + ", which Fargate pulls with it"
		case isFargate(td) && cd.LogConfiguration != nil && cd.LogConfiguration.LogDriver == ecstypes.LogDriverAwslogs:
			why = p + " logs with awslogs, which Fargate writes with it"
		}
		if why != "" {
			break
		}
	}
	if why != "" {
		r.addf(r.a.fileOf(FileTaskDef), "executionRoleArn", "is required: %s", why)
	}
}

var (
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	roleARNRE  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
)

// taskRoleArn and executionRoleArn take an IAM role's name or ARN.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_role_arn
func ruleRoleFormat(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	roles := []struct {
		field string
		value *string
	}{{"taskRoleArn", td.TaskRoleArn}, {"executionRoleArn", td.ExecutionRoleArn}}
	for _, role := range roles {
		if s := aws.ToString(role.value); role.value != nil && !roleNameRE.MatchString(s) && !roleARNRE.MatchString(s) {
			r.addf(r.a.fileOf(FileTaskDef), role.field, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) or role name, got %q", s)
		}
	}
}
