// Package imagebuild assembles the app image deterministically: the same
// files, config, platform and creation time always give the same bytes, so
// the same digest, whoever builds it and whenever.
//
// It exists because the container engine stamps the wall-clock time into an
// image's config and history and stores every added file as its own layer.
// Here the image is built with go-containerregistry instead:
//
//   - one layer, its entries sorted by path, every parent directory listed,
//     uid/gid 0, modes as given, every mtime the creation time;
//   - the config's `created` and its single history entry are the creation
//     time the caller passes in (the package reads no clock and no
//     environment: SOURCE_DATE_EPOCH is the caller's business);
//   - labels and environment in a fixed order;
//   - OCI media types throughout, and an OCI image layout written as a tar
//     with sorted entries and fixed headers (WriteLayout).
package imagebuild
