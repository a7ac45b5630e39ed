package taskdefdiff

// listKind says how the entries of a list member are told apart.
type listKind struct {
	// label names one entry in a path ("container webapp", "env FOO").
	label string
	// ids are the members that make up an entry's identity.
	ids []string
	// value is the member shown as the entry's own value ("tag team: a →
	// b"), if any.
	value string
	// hidden hides the value (environment variables).
	hidden bool
}

// lists are the list members of a task definition whose entries have an
// identity. Other lists of objects are matched by position.
var lists = map[string]listKind{
	"containerDefinitions":  {label: "container", ids: []string{"name"}},
	"environment":           {label: "env", ids: []string{"name"}, value: "value", hidden: true},
	"secrets":               {label: "secret", ids: []string{"name"}, value: "valueFrom"},
	"secretOptions":         {label: "secret option", ids: []string{"name"}, value: "valueFrom"},
	"tags":                  {label: "tag", ids: []string{"key"}, value: "value"},
	"volumes":               {label: "volume", ids: []string{"name"}},
	"portMappings":          {label: "port", ids: []string{"containerPort", "containerPortRange", "protocol"}},
	"mountPoints":           {label: "mount", ids: []string{"containerPath"}},
	"volumesFrom":           {label: "volumes from", ids: []string{"sourceContainer"}},
	"ulimits":               {label: "ulimit", ids: []string{"name"}},
	"dependsOn":             {label: "depends on", ids: []string{"containerName"}},
	"extraHosts":            {label: "extra host", ids: []string{"hostname"}},
	"systemControls":        {label: "sysctl", ids: []string{"namespace"}},
	"resourceRequirements":  {label: "resource", ids: []string{"type"}},
	"inferenceAccelerators": {label: "accelerator", ids: []string{"deviceName"}},
	"environmentFiles":      {label: "env file", ids: []string{"value"}},
	"properties":            {label: "property", ids: []string{"name"}, value: "value"},
	"devices":               {label: "device", ids: []string{"hostPath"}},
}
