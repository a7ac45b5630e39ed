// Command linked exists for the SBOM test: a small binary that links a few
// modules, so its build information lists dependencies.
package main

import (
	"fmt"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-containerregistry/pkg/name"
)

func main() {
	r, _ := name.ParseReference("example.com/app:v1")
	fmt.Println(cdx.SpecVersion1_5, r)
}
