package ecr

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Client talks to STS and ECR with one aws.Config.
type Client struct {
	region string
	// registryID is the account whose registry the repository calls address;
	// empty means the caller's own.
	registryID string
	sts        *sts.Client
	ecr        *awsecr.Client
}

// New builds a Client from a config made by awsenv.Config.
func New(cfg aws.Config) *Client {
	return &Client{region: cfg.Region, sts: sts.NewFromConfig(cfg), ecr: awsecr.NewFromConfig(cfg)}
}

// ForRegistry returns a client for the registry of account in region (e.g.
// from a repository URI naming another account or region): its repository
// calls carry that RegistryId, and its login is that region's.
func ForRegistry(cfg aws.Config, account, region string) *Client {
	cfg = cfg.Copy()
	cfg.Region = region
	c := New(cfg)
	c.registryID = account
	return c
}

// where names the registry the repository calls address, for messages.
func (c *Client) where() string {
	if c.registryID != "" {
		return fmt.Sprintf("registry %s in %s", c.registryID, c.region)
	}
	return c.region
}

func (c *Client) registry() *string {
	if c.registryID == "" {
		return nil
	}
	return aws.String(c.registryID)
}

// AccountID returns the account of the caller (sts:GetCallerIdentity).
func (c *Client) AccountID(ctx context.Context) (string, error) {
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("reading the aws account (sts:GetCallerIdentity): %w", err)
	}
	account := aws.ToString(out.Account)
	if err := ValidateAccountID(account); err != nil {
		return "", fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	return account, nil
}

// RegistryAuth asks ECR for a registry login (ecr:GetAuthorizationToken) and
// decodes it. Registry is the token's proxy endpoint host ("" when the answer
// names none); callers that push elsewhere (a registry override) keep the
// credentials and replace the host.
func (c *Client) RegistryAuth(ctx context.Context) (RegistryAuth, error) {
	out, err := c.ecr.GetAuthorizationToken(ctx, &awsecr.GetAuthorizationTokenInput{})
	if err != nil {
		return RegistryAuth{}, fmt.Errorf("requesting an ecr login (ecr:GetAuthorizationToken): %w", err)
	}
	if len(out.AuthorizationData) == 0 {
		return RegistryAuth{}, errors.New("ecr:GetAuthorizationToken returned no authorization data")
	}
	d := out.AuthorizationData[0]
	user, password, err := DecodeAuthorizationToken(aws.ToString(d.AuthorizationToken))
	if err != nil {
		return RegistryAuth{}, err
	}
	var registry string
	if endpoint := aws.ToString(d.ProxyEndpoint); endpoint != "" {
		if registry, err = RegistryFromEndpoint(endpoint); err != nil {
			return RegistryAuth{}, err
		}
	}
	return RegistryAuth{Username: user, Password: password, Registry: registry, ExpiresAt: aws.ToTime(d.ExpiresAt)}, nil
}

// Registry is where a release pushes: the registry address and the
// credentials valid for it.
type Registry struct {
	// Address is host[:port] to push to.
	Address string
	// Auth is the login for Address.
	Auth RegistryAuth
	// Account is the caller's account id.
	Account string
}

// ResolveRegistry finds the registry to push to. Without an override it is
// the registry the authorization token names (its proxy endpoint: on AWS the
// caller's <account>.dkr.ecr.<region> host, with an AWS stand-in whatever the
// stand-in serves), or the host computed from the account and region when the
// token names none. With an override (host[:port] of any OCI registry, e.g. a
// local registry) the address is the override and Auth is still the ECR
// login: present it only to ECR hosts (see ParseRegistryHost) — the token is a
// credential for the caller's images and must not travel to other registries.
func (c *Client) ResolveRegistry(ctx context.Context, override string) (Registry, error) {
	if override != "" {
		if err := ValidateRegistry(override); err != nil {
			return Registry{}, fmt.Errorf("registry override: %w", err)
		}
	}
	account, err := c.AccountID(ctx)
	if err != nil {
		return Registry{}, err
	}
	auth, err := c.RegistryAuth(ctx)
	if err != nil {
		return Registry{}, err
	}
	address := override
	if address == "" {
		address = auth.Registry
	}
	if address == "" {
		if address, err = RegistryHost(account, c.region); err != nil {
			return Registry{}, err
		}
	}
	auth.Registry = address
	return Registry{Address: address, Auth: auth, Account: account}, nil
}

// ImageDigestForTag returns the manifest digest a tag points at in a
// repository, or "" (and no error) when the tag does not exist.
func (c *Client) ImageDigestForTag(ctx context.Context, repository, tag string) (string, error) {
	if err := ValidateRepositoryName(repository); err != nil {
		return "", err
	}
	if tag == "" {
		return "", errors.New("image tag is empty")
	}
	out, err := c.ecr.DescribeImages(ctx, &awsecr.DescribeImagesInput{
		RegistryId:     c.registry(),
		RepositoryName: aws.String(repository),
		ImageIds:       []types.ImageIdentifier{{ImageTag: aws.String(tag)}},
	})
	var notFound *types.ImageNotFoundException
	if errors.As(err, &notFound) {
		return "", nil
	}
	var noRepo *types.RepositoryNotFoundException
	if errors.As(err, &noRepo) {
		return "", fmt.Errorf("ecr repository %q does not exist in %s: run deploy-infra first (it creates the <app>-ecr stack)", repository, c.where())
	}
	if err != nil {
		return "", fmt.Errorf("looking up tag %q in ecr repository %q (ecr:DescribeImages): %w", tag, repository, err)
	}
	for _, d := range out.ImageDetails {
		if digest := aws.ToString(d.ImageDigest); digest != "" {
			return digest, nil
		}
	}
	return "", nil
}

// TagsImmutable reports whether a repository refuses to move existing tags.
// IMMUTABLE_WITH_EXCLUSION counts as immutable and MUTABLE_WITH_EXCLUSION as
// mutable: the cautious reading for a release, which never moves a tag on a
// guess and re-checks the tag when a push is refused.
func (c *Client) TagsImmutable(ctx context.Context, repository string) (bool, error) {
	if err := ValidateRepositoryName(repository); err != nil {
		return false, err
	}
	out, err := c.ecr.DescribeRepositories(ctx, &awsecr.DescribeRepositoriesInput{RegistryId: c.registry(), RepositoryNames: []string{repository}})
	var noRepo *types.RepositoryNotFoundException
	if errors.As(err, &noRepo) {
		return false, fmt.Errorf("ecr repository %q does not exist in %s: run deploy-infra first (it creates the <app>-ecr stack)", repository, c.where())
	}
	if err != nil {
		return false, fmt.Errorf("describing ecr repository %q: %w", repository, err)
	}
	if len(out.Repositories) == 0 {
		return false, fmt.Errorf("ecr repository %q not found", repository)
	}
	return strings.HasPrefix(string(out.Repositories[0].ImageTagMutability), "IMMUTABLE"), nil
}
