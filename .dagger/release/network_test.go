package release

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/internal/moto"
)

// ec2Call makes one EC2 Query API call against moto. The EC2 SDK module is
// large and needed only here, to create the VPC the service runs in, so the
// test speaks the Query protocol directly.
func ec2Call(t *testing.T, endpoint, action string, params map[string]string) string {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2016-11-15"}}
	for k, v := range params {
		form.Set(k, v)
	}
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+moto.AccessKey+"/20260101/"+moto.Region+"/ec2/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("EC2 %s: HTTP %d: %s", action, resp.StatusCode, body)
	}
	return string(body)
}

// firstID returns the first <tag>value</tag> of an EC2 response.
func firstID(t *testing.T, body, tag string) string {
	t.Helper()
	m := regexp.MustCompile("<" + tag + ">([^<]+)</" + tag + ">").FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in %s", tag, body)
	}
	return m[1]
}

// network creates a VPC with two subnets and a security group, returning
// their ids.
func network(t *testing.T, endpoint string) (subnets []string, sg string) {
	t.Helper()
	vpc := firstID(t, ec2Call(t, endpoint, "CreateVpc", map[string]string{"CidrBlock": "10.0.0.0/16"}), "vpcId")
	for i, cidr := range []string{"10.0.1.0/24", "10.0.2.0/24"} {
		az := []string{"us-east-1a", "us-east-1b"}[i]
		subnets = append(subnets, firstID(t, ec2Call(t, endpoint, "CreateSubnet", map[string]string{"VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": az}), "subnetId"))
	}
	sg = firstID(t, ec2Call(t, endpoint, "CreateSecurityGroup", map[string]string{"VpcId": vpc, "GroupName": "app", "GroupDescription": "app"}), "groupId")
	return subnets, sg
}
