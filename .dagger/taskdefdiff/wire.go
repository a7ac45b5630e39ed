package taskdefdiff

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// The ECS API speaks awsJson 1.1, whose member names are the camelCase names
// of taskdef.json. Serializing through the SDK's own protocol (no network
// involved) names every member as a person reads it in taskdef.json and
// knows every member of the SDK in use, so the diff never misses one.
var (
	protocol = awsjson.New11(schemas.AmazonEC2ContainerServiceV20141113)
	register = smithy.NewOperationSchema(schemas.RegisterTaskDefinition,
		schemas.RegisterTaskDefinitionRequest, schemas.RegisterTaskDefinitionResponse)
)

// wireJSON returns the request body the SDK would send for in.
func wireJSON(in *ecs.RegisterTaskDefinitionInput) ([]byte, error) {
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	if err := protocol.SerializeRequest(context.Background(), register, in, req); err != nil {
		return nil, fmt.Errorf("serializing the task definition: %w", err)
	}
	r := req.GetStream()
	if r == nil {
		return []byte("{}"), nil
	}
	return io.ReadAll(r)
}
