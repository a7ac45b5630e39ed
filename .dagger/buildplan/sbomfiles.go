package buildplan

import (
	"dagger/ecs-bluegreen/sbom"
)

// CAPackage is the Debian package the builder's CA bundle comes from.
const CAPackage = "ca-certificates"

// BuilderRecords are the builder image's files that say where the CA
// bundle comes from: the dpkg database and the distribution's os-release
// (relative to its root; /etc/os-release is a link to the second). A
// builder without them (not Debian-based) still builds; the SBOM then lists
// the bundle without its package.
var BuilderRecords = []string{"var/lib/dpkg/status", "usr/lib/os-release"}

// SBOMFiles lists the image's files besides the binary for its SBOM: the CA
// bundle (inside its Debian package when the builder's records name it) and
// the passwd and group this package writes.
func SBOMFiles(caCerts, dpkgStatus, osRelease []byte) ([]sbom.ImageFile, error) {
	var files []sbom.ImageFile
	for _, e := range RootFS() {
		switch e.From {
		case BuilderBinary:
			continue
		case CACertPath:
			f := sbom.ImageFile{Path: e.Path, Data: caCerts}
			if len(dpkgStatus) > 0 {
				pkg, err := sbom.DebianPackage(dpkgStatus, osRelease, CAPackage)
				if err != nil {
					return nil, err
				}
				f.Package = pkg
			}
			files = append(files, f)
		default:
			files = append(files, sbom.ImageFile{Path: e.Path, Data: []byte(e.Content)})
		}
	}
	return files, nil
}
