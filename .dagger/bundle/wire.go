package bundle

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// The ECS API speaks awsJson 1.1, whose member names are exactly the
// camelCase names `aws ecs register-task-definition --cli-input-json` takes.
// Serializing through the SDK's own protocol (no network involved) keeps the
// field names and shapes right for every field, including ones added to the
// API after this code was written.
var (
	ecsProtocol = awsjson.New11(schemas.AmazonEC2ContainerServiceV20141113)

	registerOp = smithy.NewOperationSchema(schemas.RegisterTaskDefinition,
		schemas.RegisterTaskDefinitionRequest, schemas.RegisterTaskDefinitionResponse)
	describeOp = smithy.NewOperationSchema(schemas.DescribeTaskDefinition,
		schemas.DescribeTaskDefinitionRequest, schemas.DescribeTaskDefinitionResponse)
)

// WireJSON returns the awsJson body the SDK would send for in: taskdef.json's
// member names for every member the SDK in use knows.
func WireJSON(in *ecs.RegisterTaskDefinitionInput) ([]byte, error) {
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	if err := ecsProtocol.SerializeRequest(context.Background(), registerOp, in, req); err != nil {
		return nil, fmt.Errorf("serializing the task definition: %w", err)
	}
	r := req.GetStream()
	if r == nil {
		return []byte("{}"), nil
	}
	return io.ReadAll(r)
}

// wireDecode fills out from an awsJson response body, as the SDK would.
func wireDecode(op *smithy.OperationSchema, body []byte, out smithy.Deserializable) error {
	resp := &smithyhttp.Response{Response: &http.Response{
		StatusCode: http.StatusOK,
		Body:       io.NopCloser(bytes.NewReader(body)),
	}}
	return ecsProtocol.DeserializeResponse(context.Background(), op, nil, resp, out)
}
