package buildplan

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

// Image layout constants. The uid/gid 65532 is the conventional "nonroot"
// user of distroless images, so volume permissions behave the same.
const (
	UID        = 65532
	GID        = 65532
	UserName   = "nonroot"
	BinaryPath = "/app"
	// CACertPath is where Go's crypto/x509 looks first on Linux.
	CACertPath = "/etc/ssl/certs/ca-certificates.crt"
)

// Passwd is /etc/passwd for the empty root filesystem: root exists only so
// tools that resolve uid 0 do not fail; the app runs as UserName.
func Passwd() string {
	return "root:x:0:0:root:/root:/sbin/nologin\n" +
		UserName + ":x:" + strconv.Itoa(UID) + ":" + strconv.Itoa(GID) + ":" + UserName + ":/home/" + UserName + ":/sbin/nologin\n"
}

// Group is /etc/group for the empty root filesystem.
func Group() string {
	return "root:x:0:\n" + UserName + ":x:" + strconv.Itoa(GID) + ":\n"
}

// User is the value for the image's User field.
func User() string { return strconv.Itoa(UID) + ":" + strconv.Itoa(GID) }

// Label is one OCI image label.
type Label struct{ Name, Value string }

// Labels returns the OCI annotations that tie an image to its source, sorted
// by name so the image config (and so its digest) is stable. sourceURL is
// optional and must be an http(s) URL when given. No creation time is
// included on purpose: it would change the digest of identical builds.
func Labels(title, version, sourceURL string) ([]Label, error) {
	labels := map[string]string{
		"org.opencontainers.image.title":    title,
		"org.opencontainers.image.revision": version,
		"org.opencontainers.image.version":  version,
	}
	if sourceURL != "" {
		if err := CheckSourceURL(sourceURL); err != nil {
			return nil, err
		}
		labels["org.opencontainers.image.source"] = sourceURL
	}
	out := make([]Label, 0, len(labels))
	for k, v := range labels {
		out = append(out, Label{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CheckSourceURL accepts an empty source URL or an http(s) URL with a host.
func CheckSourceURL(sourceURL string) error {
	if sourceURL == "" {
		return nil
	}
	u, err := url.Parse(sourceURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("source URL %q is not accepted: want an http(s) URL such as https://github.com/acme/shop", sourceURL)
	}
	return nil
}
