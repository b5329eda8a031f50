#!/usr/bin/env bash
# Makes a Pulumi CLI available and writes the directory that holds it to .cache/pulumi-cli/current.
#
# 1. A `pulumi` already on PATH (with its pulumi-language-nodejs and pulumi-resource-pulumi-nodejs beside
#    it or on PATH) is used as it is, unless PPC_BUILD_PULUMI=1.
# 2. Otherwise `pulumi` is built from the pkg/v3 Go module at the lowest @pulumi/pulumi the package
#    supports (the floor of its range in package.json; go.mod locks it), together with our own pulumi-language-nodejs (cmd/) and
#    the dynamic-provider shim. The result is cached under .cache/pulumi-cli/<hash of inputs>/ and reused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${PPC_CACHE:-$root/.cache}/pulumi-cli"
mkdir -p "$cache"
log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

# The version is the floor of the package's @pulumi/pulumi range (package.json, the one place it is
# written); go.mod and go.sum lock the Go modules at it, as package-lock.json locks the npm packages.
version="v$(sed -n 's/^[[:space:]]*"@pulumi\/pulumi": "\^\([0-9.]*\)".*/\1/p' "$root/package.json" | head -n 1)"
[ "$version" != v ] || { log "cannot read the @pulumi/pulumi range (\"^x.y.z\") from package.json"; exit 1; }
locked="v$(sed -n 's/^[[:space:]]*github.com\/pulumi\/pulumi\/pkg\/v3 v\([0-9.]*\).*/\1/p' "$here/go.mod")"
if [ "$locked" != "$version" ]; then
  log "go.mod locks pkg/v3 $locked but package.json asks for $version: in scripts/pulumi-cli run"
  log "  go get github.com/pulumi/pulumi/pkg/v3@$version github.com/pulumi/pulumi/sdk/v3@$version && go mod tidy"
  exit 1
fi

if [ "${PPC_BUILD_PULUMI:-0}" != 1 ]; then
  existing="$(command -v pulumi 2>/dev/null || true)"
  case "$existing" in "" | "$cache"/*) existing="" ;; esac
  if [ -n "$existing" ]; then
    dir="$(dirname "$(readlink -f "$existing")")"
    if { [ -x "$dir/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null; }; then
      log "using $existing ($("$existing" version 2>/dev/null || echo 'version unknown'))"
      echo "$dir" > "$cache/current"
      exit 0
    fi
    log "ignoring $existing: no pulumi-language-nodejs beside it"
  fi
fi

sources=$(find "$here/cmd" -name '*.go' ! -name '*_test.go' | sort)
# shellcheck disable=SC2086
key="$(cat "$here/go.mod" "$here/go.sum" "$here/pulumi-resource-pulumi-nodejs" "$here/build.sh" $sources \
  | sha256sum | cut -c1-16)"
out="$cache/$version-$key"
if [ -x "$out/pulumi" ] && [ "$("$out/pulumi" version 2>/dev/null)" = "$version" ]; then
  echo "$out" > "$cache/current"
  exit 0
fi

command -v go >/dev/null || {
  log "no pulumi on PATH and no Go toolchain to build one: install Go >= 1.25 or the Pulumi CLI"
  exit 1
}
log "building the Pulumi CLI $version and pulumi-language-nodejs from their Go modules (first run only; several minutes)"
start=$(date +%s)
tmp="$out.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false -mod=readonly"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
(
  cd "$here"
  go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$tmp/pulumi" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$tmp/pulumi-language-nodejs" \
    ./cmd/pulumi-language-nodejs
)
install -m 755 "$here/pulumi-resource-pulumi-nodejs" "$tmp/pulumi-resource-pulumi-nodejs"
got="$("$tmp/pulumi" version)"
[ "$got" = "$version" ] || { log "built pulumi reports version '$got', expected $version"; exit 1; }
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
echo "$out" > "$cache/current"
log "built $version in $(( $(date +%s) - start ))s into $out"
