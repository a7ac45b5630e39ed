package ecsfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// queryClient calls an AWS query-protocol API (ELBv2, EC2) of the moto server
// behind the stand-in with form-encoded requests, the way the SDKs do. moto
// does not check signatures; it reads the region from the credential scope.
type queryClient struct {
	endpoint  string
	region    string
	accessKey string
	http      *http.Client
}

// call posts action with params to service (the signing name, e.g.
// elasticloadbalancing) and decodes the XML answer into out.
func (q queryClient) call(service, version, action string, params url.Values, out any) error {
	form := url.Values{"Action": {action}, "Version": {version}}
	for k, v := range params {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, q.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20260101/%s/%s/aws4_request, SignedHeaders=host, Signature=0",
		q.accessKey, q.region, service))
	resp, err := q.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", service, action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", service, action, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
		}
		if xml.Unmarshal(body, &e) == nil && e.Code != "" {
			return fmt.Errorf("%s %s: %s: %s", service, action, e.Code, e.Message)
		}
		return fmt.Errorf("%s %s: HTTP %d", service, action, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	if err := xml.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", service, action, err)
	}
	return nil
}
