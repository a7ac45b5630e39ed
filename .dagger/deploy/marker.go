package deploy

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deployments and task definition revisions this module creates carry a
// marker with a unique release id. CreateDeployment takes no client token and
// RegisterTaskDefinition is not idempotent, so after a call whose answer was
// lost the marker is how the module recognises what it created, instead of
// creating it twice or leaving it unfollowed. The marker also tells the
// module's own rollbacks apart from releases wherever that matters.

// Kinds of marked deployments.
const (
	// KindRelease is a deployment of a new release.
	KindRelease = "release"
	// KindRollback is a redeployment of an earlier release by Rollback.
	KindRollback = "rollback"
)

// ReleaseTagKey is the task definition tag holding the release id of the
// revision a release registered.
const ReleaseTagKey = "ecs-bluegreen:release-id"

// ModuleTagPrefix starts the key of every task definition tag the module
// owns: ReleaseTagKey, the rollback marks (RollbackOfTagKey,
// RestoresTagKey) and any mark added later. They describe the one revision
// that carries them, so a revision derived from it (a release) drops them
// all and adds its own.
const ModuleTagPrefix = "ecs-bluegreen:"

// IsModuleTag reports whether key is the key of a tag the module owns.
func IsModuleTag(key string) bool { return strings.HasPrefix(key, ModuleTagPrefix) }

// markerPattern reads "[ecs-bluegreen release r-…]" at the start of a
// description.
var markerPattern = regexp.MustCompile(`^\[ecs-bluegreen (release|rollback) (r-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8})\]`)

// releaseIDPattern is the shape NewReleaseID produces.
var releaseIDPattern = regexp.MustCompile(`^r-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$`)

// NewReleaseID returns a unique release id such as r-20260301T120000Z-1a2b3c4d:
// the time for people, random bits for uniqueness.
func NewReleaseID(now time.Time) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "r-" + now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// CheckReleaseID refuses an id NewReleaseID would not produce.
func CheckReleaseID(id string) error {
	if !releaseIDPattern.MatchString(id) {
		return fmt.Errorf("release id %q is invalid; expected r-YYYYMMDDThhmmssZ-xxxxxxxx as NewReleaseID makes", id)
	}
	return nil
}

// markedDescription prefixes text with the marker of kind and id.
func markedDescription(kind, id, text string) string {
	m := fmt.Sprintf("[ecs-bluegreen %s %s]", kind, id)
	if text = strings.TrimSpace(text); text != "" {
		return m + " " + text
	}
	return m
}

// parseMarker returns the kind and release id a description carries.
func parseMarker(description string) (kind, id string, ok bool) {
	m := markerPattern.FindStringSubmatch(description)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// ReleaseID is the release id the deployment's description carries, if the
// module created it.
func (r Report) ReleaseID() string {
	_, id, _ := parseMarker(r.Description)
	return id
}

// IsOwnRollback reports whether Rollback created this deployment.
func (r Report) IsOwnRollback() bool {
	kind, _, ok := parseMarker(r.Description)
	return ok && kind == KindRollback
}

// A task definition Rollback registers in ecs mode (a copy of the release it
// restores; ECS service deployments carry no description) is marked with
// these tags besides ReleaseTagKey.
const (
	// RollbackOfTagKey holds the task definition ARN the rollback replaced.
	RollbackOfTagKey = "ecs-bluegreen:rollback-of"
	// RestoresTagKey holds the task definition ARN of the release it restores.
	RestoresTagKey = "ecs-bluegreen:restores"
)

// RollbackMark is what the tags of a rollback's task definition say.
type RollbackMark struct {
	// RollbackOf is the task definition the rollback replaced; Restores the
	// one it put back.
	RollbackOf, Restores string
}

// Tags are the tags that carry m.
func (m RollbackMark) Tags() []ecstypes.Tag {
	return []ecstypes.Tag{
		{Key: aws.String(RollbackOfTagKey), Value: aws.String(m.RollbackOf)},
		{Key: aws.String(RestoresTagKey), Value: aws.String(m.Restores)},
	}
}

// ParseRollbackMark reads the mark from task definition tags; nil when they
// carry none.
func ParseRollbackMark(tags []ecstypes.Tag) *RollbackMark {
	var m RollbackMark
	for _, t := range tags {
		switch aws.ToString(t.Key) {
		case RollbackOfTagKey:
			m.RollbackOf = aws.ToString(t.Value)
		case RestoresTagKey:
			m.Restores = aws.ToString(t.Value)
		}
	}
	if m.RollbackOf == "" || m.Restores == "" {
		return nil
	}
	return &m
}
