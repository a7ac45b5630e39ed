package buildplan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deployed is what the deployed task definition and the service stack say
// about the app container: for a release these count, not what this module
// would assume for its own app.
type Deployed struct {
	// TaskDefinition names the revision the values come from (its ARN).
	TaskDefinition string
	// Container is the app container's name (stack output ContainerName).
	Container string
	// Found is false when the task definition has no such container.
	Found bool
	// Ports are the container's containerPort mappings.
	Ports []int
	// HealthCheck is the container health check's command as registered
	// (["CMD", "/app", "-healthcheck"], ["CMD-SHELL", "…"]), nil when none.
	HealthCheck []string
	// User is the container's user ("" = the image's own).
	User string
	// OutputPort is the stack output ContainerPort, the port the load
	// balancer's target groups send traffic to.
	OutputPort int
}

// DeployedContainer reads the app container of a task definition.
func DeployedContainer(td *ecstypes.TaskDefinition, container string, outputPort int) Deployed {
	d := Deployed{Container: container, OutputPort: outputPort}
	if td == nil {
		return d
	}
	d.TaskDefinition = aws.ToString(td.TaskDefinitionArn)
	for _, c := range td.ContainerDefinitions {
		if aws.ToString(c.Name) != container {
			continue
		}
		d.Found = true
		for _, pm := range c.PortMappings {
			if pm.ContainerPort != nil {
				d.Ports = append(d.Ports, int(*pm.ContainerPort))
			}
		}
		if c.HealthCheck != nil {
			d.HealthCheck = c.HealthCheck.Command
		}
		d.User = aws.ToString(c.User)
	}
	return d
}

// ReleasePort checks, before anything is built, that an image built for
// this release can serve where it goes, and returns the port to build it
// with and a note on the health check (what the task definition runs, ""
// when it has none):
//   - the task definition's container maps the stack output ContainerPort,
//     and --port (when given, non-zero) is that same port;
//   - the container health check runs something the image holds: the image
//     has no shell, so CMD-SHELL cannot run, and BinaryPath is its only
//     executable; whether the binary answers the check's arguments is the
//     service's own business, so the note says what will run;
//   - a user given by name exists in the image's /etc/passwd (and a group
//     in its /etc/group).
func ReleasePort(d Deployed, port int) (int, string, error) {
	if err := CheckPort(port); err != nil {
		return 0, "", err
	}
	where := "task definition " + d.TaskDefinition
	if !d.Found {
		return 0, "", fmt.Errorf("%s has no container %q (stack output ContainerName): run deploy-infra for the service stack", where, d.Container)
	}
	maps := false
	for _, p := range d.Ports {
		maps = maps || p == d.OutputPort
	}
	if !maps {
		return 0, "", fmt.Errorf("%s: container %q maps containerPort %s, but the stack output ContainerPort is %d: run deploy-infra so both name the port the service listens on",
			where, d.Container, portList(d.Ports), d.OutputPort)
	}
	if port != 0 && port != d.OutputPort {
		return 0, "", fmt.Errorf("--port %d differs from the deployed port: %s container %q maps containerPort %s and the stack output ContainerPort is %d; "+
			"build for the deployed port (leave --port out) or change the infra key containerPort and run deploy-infra first",
			port, where, d.Container, portList(d.Ports), d.OutputPort)
	}
	note, err := checkHealthCheck(where, d)
	if err != nil {
		return 0, "", err
	}
	if err := checkUser(where, d); err != nil {
		return 0, "", err
	}
	return d.OutputPort, note, nil
}

// checkHealthCheck refuses a health check the image cannot run.
func checkHealthCheck(where string, d Deployed) (string, error) {
	if len(d.HealthCheck) == 0 {
		return "", nil
	}
	shown := strings.Join(d.HealthCheck, " ")
	switch d.HealthCheck[0] {
	case "CMD-SHELL":
		return "", fmt.Errorf("%s: container %q health check %q needs a shell, and the image has none (only %s, the CA bundle, passwd and group): "+
			"register it in exec form, CMD %s <arguments your binary answers>, or leave it out and let the load balancer's health check decide",
			where, d.Container, shown, BinaryPath, BinaryPath)
	case "CMD":
	default:
		return "", fmt.Errorf("%s: container %q health check %q starts with neither CMD nor CMD-SHELL", where, d.Container, shown)
	}
	if len(d.HealthCheck) < 2 || d.HealthCheck[1] != BinaryPath {
		exe := ""
		if len(d.HealthCheck) > 1 {
			exe = d.HealthCheck[1]
		}
		return "", fmt.Errorf("%s: container %q health check %q runs %q, which the image does not hold: its only executable is %s (the service binary); "+
			"run a check your binary answers (e.g. CMD %s -healthcheck) or leave the health check out", where, d.Container, shown, exe, BinaryPath, BinaryPath)
	}
	return fmt.Sprintf("%s: container %q health check runs %q: the service binary must answer these arguments (exit 0 when healthy); the module adds no health check of its own",
		where, d.Container, strings.Join(d.HealthCheck[1:], " ")), nil
}

// checkUser refuses a named user or group the image's passwd/group lack
// (the container would fail to start); numeric ids always resolve.
func checkUser(where string, d Deployed) error {
	if d.User == "" {
		return nil
	}
	user, group, _ := strings.Cut(d.User, ":")
	for _, id := range []struct{ kind, name, names string }{{"user", user, Passwd()}, {"group", group, Group()}} {
		if id.name == "" {
			continue
		}
		if _, err := strconv.Atoi(id.name); err == nil {
			continue
		}
		known := false
		for _, line := range strings.Split(id.names, "\n") {
			known = known || strings.HasPrefix(line, id.name+":")
		}
		if !known {
			return fmt.Errorf("%s: container %q runs as %q, but the image has no %s %q (it knows root and %s): use a numeric uid:gid such as %s",
				where, d.Container, d.User, id.kind, id.name, UserName, User())
		}
	}
	return nil
}

// portList formats container ports for a message.
func portList(ports []int) string {
	if len(ports) == 0 {
		return "(none)"
	}
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ")
}
