// Package ecr holds what the module needs from Amazon ECR: the account id,
// registry credentials for a push, repository names and URIs, and the digest a
// tag currently points at.
package ecr

import (
	"fmt"
	"regexp"
	"strings"

	"dagger/ecs-bluegreen/redact"
)

// repositoryPattern is ECR's own rule for repository names.
var repositoryPattern = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

var accountPattern = regexp.MustCompile(`^\d{12}$`)

// ValidateRepositoryName checks a repository name against ECR's rules: 2 to 256
// characters, lowercase path components of letters and digits separated by
// '.', '_' or '-', joined with '/'.
func ValidateRepositoryName(name string) error {
	if len(name) < 2 || len(name) > 256 {
		return fmt.Errorf("ecr repository name %q must be 2 to 256 characters long (it has %d)", name, len(name))
	}
	if !repositoryPattern.MatchString(name) {
		return fmt.Errorf("ecr repository name %q is invalid: use lowercase letters, digits and '.', '_', '-' between them, "+
			"optionally in '/'-separated paths, e.g. webapp or team/webapp", name)
	}
	return nil
}

// ValidateAccountID checks a 12-digit AWS account id.
func ValidateAccountID(account string) error {
	if !accountPattern.MatchString(account) {
		return fmt.Errorf("aws account id %q is invalid: expected 12 digits, e.g. 123456789012", account)
	}
	return nil
}

// RegistryHost is the private registry of an account in a region, e.g.
// 123456789012.dkr.ecr.eu-west-1.amazonaws.com (China regions end in .com.cn).
func RegistryHost(account, region string) (string, error) {
	if err := ValidateAccountID(account); err != nil {
		return "", err
	}
	if region == "" || strings.ContainsAny(region, "/:. ") {
		return "", fmt.Errorf("aws region %q cannot name a registry: expected e.g. eu-west-1", region)
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return account + ".dkr.ecr." + region + "." + suffix, nil
}

// ecrHostPattern is an ECR private registry host: account, optional FIPS
// endpoint, region, and the partition's domain.
var ecrHostPattern = regexp.MustCompile(`^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$`)

// ParseRegistryHost reads the account and region of an ECR registry host
// such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com; ok is false for any
// other registry.
func ParseRegistryHost(host string) (account, region string, ok bool) {
	m := ecrHostPattern.FindStringSubmatch(host)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// RepositoryURI joins a registry host and a repository name after validating
// both, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/webapp.
func RepositoryURI(registry, repository string) (string, error) {
	if err := ValidateRegistry(registry); err != nil {
		return "", err
	}
	if err := ValidateRepositoryName(repository); err != nil {
		return "", err
	}
	return registry + "/" + repository, nil
}

// hostPattern is a registry host with an optional port: DNS labels or an IPv4
// address, as container tooling accepts them.
var hostPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d{1,5})?$`)

// ValidateRegistry checks a registry address (host[:port], no scheme, no
// path), such as an ECR host or a registry override like localhost:5000.
func ValidateRegistry(registry string) error {
	if !hostPattern.MatchString(registry) {
		return fmt.Errorf("registry %q is invalid: expected host[:port] without scheme, user or path, "+
			"e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or localhost:5000", redact.UserInfo(registry))
	}
	return nil
}

// RegistryFromEndpoint turns the proxyEndpoint of an authorization token
// (https://host) into a registry address (host).
func RegistryFromEndpoint(endpoint string) (string, error) {
	host := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://"), "/")
	if err := ValidateRegistry(host); err != nil {
		return "", fmt.Errorf("ecr proxy endpoint %q: %w", redact.UserInfo(endpoint), err)
	}
	return host, nil
}

// SplitRepositoryURI splits host/repository (as in the RepositoryUri stack
// output) into its registry and repository name, validating both.
func SplitRepositoryURI(uri string) (registry, repository string, err error) {
	i := strings.Index(uri, "/")
	if i <= 0 || i == len(uri)-1 {
		return "", "", fmt.Errorf("repository uri %q is invalid: expected registry/name, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/webapp", redact.UserInfo(uri))
	}
	registry, repository = uri[:i], uri[i+1:]
	if strings.ContainsAny(repository, ":@") {
		return "", "", fmt.Errorf("repository uri %q must not carry a tag or digest", redact.UserInfo(uri))
	}
	if err := ValidateRegistry(registry); err != nil {
		return "", "", fmt.Errorf("repository uri %q: %w", redact.UserInfo(uri), err)
	}
	if err := ValidateRepositoryName(repository); err != nil {
		return "", "", fmt.Errorf("repository uri %q: %w", redact.UserInfo(uri), err)
	}
	return registry, repository, nil
}
