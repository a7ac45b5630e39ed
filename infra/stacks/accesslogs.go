package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
)

// accessLogBucket is where the load balancer writes its access logs: private,
// TLS only, S3-managed encryption (the only kind ALB log delivery writes to),
// objects expiring after logRetentionDays, kept when the stack is deleted.
func (s *ServiceStack) accessLogBucket() awss3.Bucket {
	return awss3.NewBucket(s.Stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(false),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-access-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(float64(s.cfg.LogRetentionDays))),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
}
