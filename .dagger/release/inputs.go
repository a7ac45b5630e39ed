package release

import (
	"errors"
	"net/url"
	"time"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
	"dagger/ecs-bluegreen/provenance"
	"dagger/ecs-bluegreen/publish"
	"dagger/ecs-bluegreen/sigstore"
)

// Inputs are the release function's arguments that need no AWS to check,
// as given on the command line.
type Inputs struct {
	Deploy, NoWait, CosignTags              bool
	Hooks                                   []string
	Timeout, CredentialsExpireAt, WaitUntil string
	SourceURL, BuilderID, SigningKey, Image string
	Platforms                               []string
	// Keyless is how keyless signing was asked for (none: the zero value).
	Keyless sigstore.Request
}

// Checked is what Check made of Inputs.
type Checked struct {
	// Mode is the bundle's mode: the pipeline's artifacts, or a direct deployment.
	Mode bundle.Mode
	// Hooks are the appspec's lifecycle hooks by event.
	Hooks map[string]string
	// Wait is the deployment's timeout, Expiry when the credentials end
	// (zero when unknown), Until the checkpoint the wait ends at.
	Wait   time.Duration
	Expiry time.Time
	Until  ecsdeploy.Checkpoint
	// Waits is true when the call follows the deployment.
	Waits bool
	// Fulcio and Rekor are the keyless signing instance (nil: not keyless).
	Fulcio, Rekor *url.URL
}

// Check validates every argument that needs no AWS, so a bad one is
// refused before anything is read, built or pushed; now is the time the
// credentials' expiry is judged against.
func (in Inputs) Check(now time.Time) (Checked, error) {
	var c Checked
	var err error
	if err = buildplan.CheckSourceURL(in.SourceURL); err != nil {
		return c, err
	}
	if err = provenance.CheckBuilderID(in.BuilderID); err != nil {
		return c, err
	}
	if err = provenance.CheckKeyID(in.SigningKey); err != nil {
		return c, err
	}
	if c.Fulcio, c.Rekor, err = in.Keyless.Check(in.SigningKey); err != nil {
		return c, err
	}
	if err = publish.CheckCosignTags(in.CosignTags, in.SigningKey != "" || in.Keyless.Wanted()); err != nil {
		return c, err
	}
	c.Mode = bundle.ModePipeline
	if in.Deploy {
		c.Mode = bundle.ModeDirect
	}
	if c.Hooks, err = ParseHooks(in.Hooks); err != nil {
		return c, err
	}
	if c.Wait, err = deploy.ParseTimeout(in.Timeout); err != nil {
		return c, err
	}
	if c.Expiry, err = deploy.ParseExpiry(in.CredentialsExpireAt); err != nil {
		return c, err
	}
	if c.Until, err = ecsdeploy.ParseCheckpoint(in.WaitUntil); err != nil {
		return c, err
	}
	c.Waits = in.Deploy && !in.NoWait
	if c.Waits {
		if err = deploy.CheckCredentials(now, c.Wait, c.Expiry); err != nil {
			return c, err
		}
	}
	if len(in.Platforms) > 0 {
		if _, err = buildplan.ParsePlatforms(in.Platforms); err != nil {
			return c, err
		}
	}
	if in.Image != "" {
		if _, err = bundle.ParseImage(in.Image); err != nil {
			return c, err
		}
		// An image released as it is gets no new provenance: what signs or
		// tags one would be ignored, so it is refused instead.
		if in.SigningKey != "" || in.CosignTags || in.Keyless.Wanted() {
			return c, errors.New("invalid signing-key, keyless signing or cosign-tags with image: a release of an image pushed earlier builds and attests nothing; sign its provenance when it is published")
		}
	}
	return c, nil
}
