package bundle

// Documentation pages the rules cite.
const (
	docTaskDefParams = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
	docRegisterAPI   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html"
	docFargateDefs   = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html"
	docNetworking    = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html"
	docPortMapping   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html"
	docHealthCheck   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html"
	docDependency    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html"
	docAwslogs       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html"
	docExecRole      = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
	docQuotas        = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html"
	docVolumes       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_data_volumes.html"
	docAppSpecFile   = "https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html"
	docAppSpecVer    = "https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-version.html"
	docAppSpecRes    = "https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html"
	docAppSpecHooks  = "https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html"
	docAwsVpc        = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html"
	docStrategy      = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html"
	docBlueGreenAct  = "https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html"
	docFileRef       = "https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html"
	docSecurity      = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html"
	docImageDigest   = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html"
	docLogging       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html"
)

// allRules is the engine: every rule, in the order they run. The decoding
// rules (no check) report while the files are read.
var allRules = []Rule{
	// Reading the files.
	{Name: "taskdef-json", Class: ClassAWS, Doc: docRegisterAPI, Summary: "the task definition is one JSON document"},
	{Name: "taskdef-shape", Class: ClassAWS, Doc: docRegisterAPI, Summary: "every member is a RegisterTaskDefinition member (exact case) of the right JSON type; no read-only members"},
	{Name: "appspec-syntax", Class: ClassAWS, Doc: docAppSpecFile, Summary: "the appspec is one YAML or JSON document"},
	{Name: "appspec-shape", Class: ClassAWS, Doc: docAppSpecRes, Summary: "appspec keys are known (any case), given once, with values of the right type"},
	{Name: "imagedetail-json", Class: ClassAWS, Doc: docFileRef, Summary: "imageDetail.json is an object with the string ImageURI (exact case)"},
	{Name: "imagedefinitions-json", Class: ClassAWS, Doc: docFileRef, Summary: "imagedefinitions.json is a non-empty list of {name, imageUri}"},
	{Name: "release-json", Class: ClassAWS, Doc: "", Summary: "release.json is this module's release summary"},
	{Name: "unrecognized-file", Class: ClassPolicy, always: true, Doc: docFileRef, Summary: "every file given is a deployment artifact; one that is none is reported, never skipped silently (a warning even with --policy off)"},
	{Name: "appspec-not-ecs", Class: ClassPolicy, Doc: docAppSpecFile, Summary: "an appspec is for Amazon ECS (an EC2/on-premises or Lambda appspec is reported, and not checked)"},
	{Name: "one-file-each", Class: ClassPolicy, Doc: docAppSpecFile, Summary: "one file of each kind (appspec.yaml and appspec.json side by side leave it to the action's settings which one deploys)"},

	// The task definition on its own.
	{Name: "sdk-required", Class: ClassAWS, Doc: docRegisterAPI, Summary: "required members, as the AWS SDK's own parameter validation checks them", check: ruleSDKRequired},
	{Name: "enum-values", Class: ClassAWS, Doc: docRegisterAPI, Summary: "enumerated members hold a value the ECS API defines", check: ruleEnumValues},
	{Name: "family-format", Class: ClassAWS, Doc: docTaskDefParams, Summary: "family is 1-255 letters, digits, _ or -", check: ruleFamilyFormat},
	{Name: "container-count", Class: ClassAWS, Doc: docQuotas, Summary: "1 to 10 containers per task definition", check: ruleContainerCount},
	{Name: "container-name", Class: ClassAWS, Doc: docTaskDefParams, Summary: "every container has a name of 1-255 letters, digits, _ or -, unique in the task", check: ruleContainerName},
	{Name: "container-image", Class: ClassAWS, Doc: docTaskDefParams, Summary: "every container has an image reference of up to 255 allowed characters", check: ruleContainerImage},
	{Name: "port-range", Class: ClassAWS, Doc: docPortMapping, Summary: "containerPort and hostPort are 0-65535", check: rulePortRange},
	{Name: "host-port-network-mode", Class: ClassAWS, Doc: docPortMapping, Summary: "with awsvpc or host networking, hostPort is omitted or equals containerPort", check: ruleHostPortNetworkMode},
	{Name: "none-mode-ports", Class: ClassAWS, Doc: docNetworking, Summary: "a task with network mode none has no port mappings", check: ruleNoneModePorts},
	{Name: "links-bridge-only", Class: ClassAWS, Doc: docTaskDefParams, Summary: "links only with the bridge network mode", check: ruleLinksBridgeOnly},
	{Name: "fargate-network-mode", Class: ClassAWS, Doc: docFargateDefs, Summary: "a Fargate task uses the awsvpc network mode", check: ruleFargateNetworkMode},
	{Name: "fargate-size", Class: ClassAWS, Doc: docFargateDefs, Summary: "a Fargate task has a task-level cpu/memory pair from the Fargate table", check: ruleFargateSize},
	{Name: "fargate-unsupported", Class: ClassAWS, Doc: docFargateDefs, Summary: "no parameters Fargate refuses (privileged, devices, docker volumes, host paths, GPUs, placement constraints, other log drivers…)", check: ruleFargateUnsupported},
	{Name: "task-size-ec2", Class: ClassAWS, Doc: docRegisterAPI, Summary: "outside Fargate a task-level cpu is 128-196608 units and memory a whole number of MiB", check: ruleTaskSizeEC2},
	{Name: "ephemeral-storage", Class: ClassAWS, Doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html", Summary: "ephemeral storage is a Fargate setting of 21-200 GiB", check: ruleEphemeralStorage},
	{Name: "stop-timeout", Class: ClassAWS, Doc: docTaskDefParams, Summary: "on Fargate a container's stopTimeout is at most 120 seconds", check: ruleStopTimeout},
	{Name: "tags", Class: ClassAWS, Doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html", Summary: "at most 50 tags, keys 1-128 characters without aws:, values up to 256", check: ruleTags},
	{Name: "container-memory", Class: ClassAWS, Doc: docTaskDefParams, Summary: "without task memory every container sets memory or memoryReservation; reservation ≤ limit; limit ≥ 6 MiB", check: ruleContainerMemory},
	{Name: "resources-fit-task", Class: ClassAWS, Doc: docTaskDefParams, Summary: "the containers' cpu and memory limits fit in the task's", check: ruleResourcesFitTask},
	{Name: "essential-container", Class: ClassAWS, Doc: docTaskDefParams, Summary: "at least one container is essential", check: ruleEssentialContainer},
	{Name: "awslogs-options", Class: ClassAWS, Doc: docAwslogs, Summary: "awslogs has awslogs-group and awslogs-region, and awslogs-stream-prefix on Fargate", check: ruleAwslogsOptions},
	{Name: "firelens-router", Class: ClassAWS, Doc: docLogging, Summary: "the awsfirelens log driver has a log router (a container with firelensConfiguration) in the task", check: ruleFirelensRouter},
	{Name: "execution-role", Class: ClassAWS, Doc: docExecRole, Summary: "an execution role when containers pull private ECR images on Fargate, use awslogs on Fargate, secrets, repository credentials or environment files", check: ruleExecutionRole},
	{Name: "role-format", Class: ClassAWS, Doc: docTaskDefParams, Summary: "taskRoleArn and executionRoleArn are IAM role names or role ARNs", check: ruleRoleFormat},
	{Name: "depends-on", Class: ClassAWS, Doc: docDependency, Summary: "dependsOn names another container of the task; HEALTHY needs its health check", check: ruleDependsOn},
	{Name: "health-check", Class: ClassAWS, Doc: docHealthCheck, Summary: "health check command starts with CMD, CMD-SHELL or NONE; interval, timeout, retries and start period in range", check: ruleHealthCheck},
	{Name: "awsvpc-host-settings", Class: ClassAWS, Doc: docContainerDef, Summary: "with awsvpc networking no container sets hostname, dnsServers, dnsSearchDomains or extraHosts", check: ruleAwsvpcHostSettings},
	{Name: "windows-unsupported", Class: ClassAWS, Doc: docContainerDef, Summary: "Windows containers set no privileged, user, readonlyRootFilesystem, linuxParameters or Docker DNS and hosts settings", check: ruleWindowsUnsupported},
	{Name: "port-unique", Class: ClassAWS, Doc: docPortMapping, Summary: "a container maps each containerPort once (not for two protocols)", check: rulePortUnique},
	{Name: "container-port-range", Class: ClassAWS, Doc: docPortMapping, Summary: "a containerPortRange is <first>-<last> within 1-65535, with the awsvpc or bridge network mode", check: ruleContainerPortRange},
	{Name: "restart-policy", Class: ClassAWS, Doc: docRestartPolicy, Summary: "a restart policy's restartAttemptPeriod is 60-1800 seconds, with at most 50 ignoredExitCodes", check: ruleRestartPolicy},
	{Name: "environment-files", Class: ClassAWS, Doc: docEnvFiles, Summary: "environment files are S3 object ARNs of .env files", check: ruleEnvironmentFiles},
	{Name: "volume-references", Class: ClassAWS, Doc: docVolumes, Summary: "mount points name a volume of the task, volumesFrom a container of it; volume names are unique", check: ruleVolumeReferences},

	// The appspec on its own.
	{Name: "appspec-version", Class: ClassAWS, Doc: docAppSpecVer, Summary: "version is 0.0", check: ruleAppSpecVersion},
	{Name: "appspec-resources", Class: ClassAWS, Doc: docAppSpecRes, Summary: "exactly one resource, of Type AWS::ECS::Service", check: ruleAppSpecResources},
	{Name: "appspec-task-definition", Class: ClassAWS, Doc: docBlueGreenAct, Summary: "TaskDefinition is <TASK_DEFINITION> in pipeline mode, a task definition ARN in direct mode", check: ruleAppSpecTaskDefinition},
	{Name: "appspec-load-balancer", Class: ClassAWS, Doc: docAppSpecRes, Summary: "LoadBalancerInfo has a container name and a port 1-65535", check: ruleAppSpecLoadBalancer},
	{Name: "appspec-platform-version", Class: ClassAWS, Doc: docAppSpecRes, Summary: "PlatformVersion is LATEST or a version such as 1.4.0", check: ruleAppSpecPlatformVersion},
	{Name: "appspec-network", Class: ClassAWS, Doc: docAwsVpc, Summary: "AwsvpcConfiguration is whole: 1-16 subnets, 1-5 security groups, AssignPublicIp ENABLED or DISABLED", check: ruleAppSpecNetwork},
	{Name: "appspec-capacity-strategy", Class: ClassAWS, Doc: docStrategy, Summary: "capacity provider strategy: ≤ 20 items, base 0-100000 on one provider at most, weight 0-1000, one weight above 0", check: ruleAppSpecStrategy},
	{Name: "appspec-hooks", Class: ClassAWS, Doc: docAppSpecHooks, Summary: "hooks are ECS lifecycle events, once each, naming Lambda functions", check: ruleAppSpecHooks},

	// Between files.
	{Name: "appspec-container-port", Class: ClassAWS, Doc: docAppSpecRes, Summary: "the appspec's container is in the task definition and maps its port", check: ruleAppSpecContainerPort},
	{Name: "appspec-network-mode", Class: ClassAWS, Doc: docNetworking, Summary: "the appspec gives a NetworkConfiguration only for an awsvpc task", check: ruleAppSpecNetworkMode},
	{Name: "appspec-platform-fargate", Class: ClassAWS, Doc: docAppSpecRes, Summary: "PlatformVersion only for a Fargate task definition", check: ruleAppSpecPlatformFargate},
	{Name: "direct-no-placeholder", Class: ClassAWS, Doc: docBlueGreenAct, Summary: "in direct mode no image is a pipeline placeholder", check: ruleDirectNoPlaceholder},
	{Name: "direct-image-matches", Class: ClassAWS, Doc: docBlueGreenAct, Summary: "in direct mode the appspec's container runs the image of imageDetail.json", check: ruleDirectImageMatches},
	{Name: "direct-arn-family", Class: ClassAWS, Doc: docAppSpecRes, Summary: "in direct mode the appspec's ARN is of the task definition's family", check: ruleDirectARNFamily},
	{Name: "imagedetail-uri", Class: ClassAWS, Doc: docFileRef, Summary: "ImageURI is an image reference; ImageDigest, when present, is its digest", check: ruleImageDetailURI},
	{Name: "imagedefinitions-entries", Class: ClassAWS, Doc: docFileRef, Summary: "each entry names a container of the task definition once, with an image reference", check: ruleImageDefinitionsEntries},
	{Name: "release-consistency", Class: ClassAWS, Doc: "", Summary: "release.json agrees with the other files and their SHA-256s", check: ruleReleaseConsistency},

	// Policy: what AWS accepts but a careful team does not.
	{Name: "image-pinned", Class: ClassPolicy, Doc: docImageDigest, Summary: "every image is pinned by digest (@sha256:…), so what runs is what was tested", check: ruleImagePinned},
	{Name: "pipeline-placeholder", Class: ClassPolicy, Doc: docBlueGreenAct, Summary: "in pipeline mode exactly one image is a placeholder, the appspec's container's", check: rulePipelinePlaceholder},
	{Name: "public-ip", Class: ClassPolicy, Doc: docSecurity, Summary: "tasks get no public IP (AssignPublicIp DISABLED): they sit behind the load balancer", check: rulePublicIP},
	{Name: "container-logging", Class: ClassPolicy, Doc: docLogging, Summary: "every container sends its logs somewhere (logConfiguration)", check: ruleContainerLogging},
	{Name: "no-privileged", Class: ClassPolicy, Doc: docSecurity, Summary: "no privileged containers", check: ruleNoPrivileged},
}
