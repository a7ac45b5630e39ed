package rehearsal

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// The module has no EC2 client; the seed's few network calls go over EC2's
// query protocol by hand, as the SDKs send them.

type ec2Client struct {
	endpoint, region string
}

var ec2ID = regexp.MustCompile(`<(vpcId|subnetId|groupId)>([^<]+)</`)

// create calls action and returns the id of what it made.
func (c ec2Client) create(ctx context.Context, action string, params map[string]string) (string, error) {
	form := url.Values{"Action": {action}, "Version": {"2016-11-15"}}
	for k, v := range params {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/"+c.region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("ec2 %s: %w", action, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := ec2ID.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("ec2 %s: HTTP %d: %.300s", action, resp.StatusCode, body)
	}
	return string(m[2]), nil
}

// network creates a VPC with two subnets and a security group.
func (c ec2Client) network(ctx context.Context, app string) (vpc string, subnets []string, sg string, err error) {
	if vpc, err = c.create(ctx, "CreateVpc", map[string]string{"CidrBlock": "10.0.0.0/16"}); err != nil {
		return
	}
	for i, az := range []string{"a", "b"} {
		var id string
		id, err = c.create(ctx, "CreateSubnet", map[string]string{"VpcId": vpc, "CidrBlock": fmt.Sprintf("10.0.%d.0/24", i+1), "AvailabilityZone": c.region + az})
		if err != nil {
			return
		}
		subnets = append(subnets, id)
	}
	sg, err = c.create(ctx, "CreateSecurityGroup", map[string]string{"VpcId": vpc, "GroupName": app + "-tasks", "GroupDescription": app + " tasks"})
	return
}
