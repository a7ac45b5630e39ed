package bundle

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// The AWS SDK validates an operation's input (its required members, at every
// depth) in the Initialize step of the middleware stack, before anything is
// serialized, signed or sent. Stopping the stack right after that step runs
// the SDK's own validation offline: no credentials, no endpoint, no network.
var (
	sdkClient    = ecs.New(ecs.Options{Region: "us-east-1"})
	errValidated = errors.New("validated offline")
	stopAfter    = middleware.InitializeMiddlewareFunc("StopAfterValidation",
		func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return middleware.InitializeOutput{}, middleware.Metadata{}, errValidated
		})
)

// sdkValidate returns the SDK's parameter validation errors for in, with
// their SDK field paths (e.g. ContainerDefinitions[0].LogConfiguration.LogDriver).
func sdkValidate(in *ecs.RegisterTaskDefinitionInput) ([]smithy.InvalidParamError, error) {
	_, err := sdkClient.RegisterTaskDefinition(context.Background(), in, func(o *ecs.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(stopAfter, middleware.After)
		})
	})
	var invalid smithy.InvalidParamsError
	switch {
	case errors.Is(err, errValidated):
		return nil, nil
	case errors.As(err, &invalid):
		var out []smithy.InvalidParamError
		for _, e := range invalid.Errs() {
			var pe smithy.InvalidParamError
			if errors.As(e, &pe) {
				out = append(out, pe)
			}
		}
		return out, nil
	}
	return nil, err
}

// ruleSDKRequired reports the members the SDK's validation finds missing.
func ruleSDKRequired(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	errs, err := sdkValidate(td)
	if err != nil {
		r.addf(r.a.fileOf(FileTaskDef), "", "could not be checked by the AWS SDK: %v", err)
		return
	}
	for _, e := range errs {
		reason := "is required"
		if !strings.HasPrefix(e.Error(), "missing required field") {
			reason = "is not accepted: " + strings.SplitN(e.Error(), ",", 2)[0]
		}
		r.addf(r.a.fileOf(FileTaskDef), sdkPath(td, e.Field()), "%s", reason)
	}
}

var (
	sdkIndexRE  = regexp.MustCompile(`^ContainerDefinitions\[([0-9]+)\]`)
	enumIndexRE = regexp.MustCompile(`^containerDefinitions\[([0-9]+)\]`)
)

// sdkPath turns an SDK field path into the task definition's JSON path, with
// containers by name: RegisterTaskDefinitionInput.ContainerDefinitions[0].LogConfiguration.LogDriver
// becomes containerDefinitions[web].logConfiguration.logDriver.
func sdkPath(td *ecs.RegisterTaskDefinitionInput, field string) string {
	field = strings.TrimPrefix(field, "RegisterTaskDefinitionInput.")
	prefix := ""
	if m := sdkIndexRE.FindStringSubmatch(field); m != nil {
		var i int
		fmt.Sscan(m[1], &i)
		if i < len(td.ContainerDefinitions) {
			prefix = containerPath(td, i)
			field = strings.TrimPrefix(field[len(m[0]):], ".")
		}
	}
	parts := strings.Split(field, ".")
	for i, p := range parts {
		parts[i] = lowerFirst(p)
	}
	out := strings.Join(parts, ".")
	if prefix != "" {
		if out == "" {
			return prefix
		}
		return prefix + "." + out
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// ruleEnumValues walks the decoded task definition and reports every value
// of an enumerated member that the ECS API does not define. The accepted
// values come from the SDK's own enum types (their Values method), so they
// follow the API model.
func ruleEnumValues(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	walkEnums(reflect.ValueOf(td).Elem(), "", func(path string, value string, accepted []string) {
		r.addf(r.a.fileOf(FileTaskDef), enumPath(td, path), "must be one of %s, got %q", strings.Join(accepted, ", "), value)
	})
}

// enumPath replaces a leading containerDefinitions[i] by the container's name.
func enumPath(td *ecs.RegisterTaskDefinitionInput, path string) string {
	if m := enumIndexRE.FindStringSubmatch(path); m != nil {
		var i int
		fmt.Sscan(m[1], &i)
		return containerPath(td, i) + path[len(m[0]):]
	}
	return path
}

// walkEnums calls bad for each enum value (a named string type with a Values
// method) not among its Values.
func walkEnums(v reflect.Value, path string, bad func(path, value string, accepted []string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkEnums(v.Elem(), path, bad)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				p := lowerFirst(f.Name)
				if path != "" {
					p = path + "." + p
				}
				walkEnums(v.Field(i), p, bad)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkEnums(v.Index(i), fmt.Sprintf("%s[%d]", path, i), bad)
		}
	case reflect.String:
		m := v.MethodByName("Values")
		if !m.IsValid() || v.String() == "" {
			return
		}
		vals := m.Call(nil)[0]
		accepted := make([]string, vals.Len())
		for i := range accepted {
			accepted[i] = vals.Index(i).String()
		}
		if !slices.Contains(accepted, v.String()) {
			bad(path, v.String(), accepted)
		}
	}
}

// containerPath names container i for a field path: by its name when it has a
// valid one that no other container shares, else by its index.
func containerPath(td *ecs.RegisterTaskDefinitionInput, i int) string {
	name := aws.ToString(td.ContainerDefinitions[i].Name)
	if containerRE.MatchString(name) {
		n := 0
		for _, cd := range td.ContainerDefinitions {
			if aws.ToString(cd.Name) == name {
				n++
			}
		}
		if n == 1 {
			return "containerDefinitions[" + name + "]"
		}
	}
	return fmt.Sprintf("containerDefinitions[%d]", i)
}
