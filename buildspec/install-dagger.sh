#!/usr/bin/env bash
# Installs the pinned Dagger CLI into the directory given as $1 (default
# ./bin), run by buildspec.yml. The build is privileged and can push images,
# so nothing from the network runs before it is verified: the release archive
# for DAGGER_VERSION is downloaded, its SHA-256 compared with the release's
# published checksums.txt (and, when DAGGER_SHA256 is set, with that pin too),
# and only a matching archive is unpacked. Any failure stops the build with
# nothing installed.
#
# DAGGER_RELEASES replaces the download location (a mirror, or tests).
set -euo pipefail

dest="${1:-./bin}"
version="${DAGGER_VERSION:?DAGGER_VERSION is not set: pin the Dagger release, e.g. 0.21.8}"
releases="${DAGGER_RELEASES:-https://github.com/dagger/dagger/releases/download}"

fail() {
	printf 'install-dagger: %s\n' "$1" >&2
	exit 1
}

[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "DAGGER_VERSION=$version is not a release version such as 0.21.8"
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) fail "no Dagger release for machine $(uname -m)" ;;
esac
archive="dagger_v${version}_linux_${arch}.tar.gz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch() { curl -fsSL --retry 3 --retry-delay 2 --max-time 300 -o "$2" "$1"; }
fetch "$releases/v$version/$archive" "$work/$archive" || fail "could not download $releases/v$version/$archive"
fetch "$releases/v$version/checksums.txt" "$work/checksums.txt" || fail "could not download $releases/v$version/checksums.txt"

published="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/checksums.txt")"
[[ "$published" =~ ^[0-9a-f]{64}$ ]] || fail "checksums.txt of v$version lists no SHA-256 for $archive"
if [ -n "${DAGGER_SHA256:-}" ] && [ "$DAGGER_SHA256" != "$published" ]; then
	fail "the published checksum of $archive ($published) differs from the pinned DAGGER_SHA256 ($DAGGER_SHA256)"
fi
actual="$(sha256sum "$work/$archive" | cut -d' ' -f1)"
[ "$actual" = "$published" ] || fail "$archive has SHA-256 $actual, but v$version publishes $published: refusing to install it"

tar -xzf "$work/$archive" -C "$work" dagger || fail "$archive holds no dagger binary"
mkdir -p "$dest"
install -m 0755 "$work/dagger" "$dest/dagger"
printf 'install-dagger: dagger v%s (%s) verified and installed in %s\n' "$version" "$actual" "$dest"
