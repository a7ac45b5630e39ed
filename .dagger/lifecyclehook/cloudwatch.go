package lifecyclehook

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// NewCloudWatch returns the CloudWatch client the hook reads metrics with.
//
// It speaks CloudWatch's Query protocol instead of the SDK's default (Smithy
// RPC v2 CBOR): CloudWatch serves both, and Query is the one moto_server
// implements, so the tests exercise the very wire format the function sends.
func NewCloudWatch(cfg aws.Config, opts ...func(*cloudwatch.Options)) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, append([]func(*cloudwatch.Options){func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801)
	}}, opts...)...)
}
