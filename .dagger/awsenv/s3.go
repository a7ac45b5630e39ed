package awsenv

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3 is the S3 client for cfg. With an endpoint set (a stand-in), buckets
// are addressed path-style: a virtual-hosted bucket is a sub-domain of the
// endpoint's host (<bucket>.aws-localhost), which no stand-in's DNS answers.
func S3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.BaseEndpoint != nil
	})
}
