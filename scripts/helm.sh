#!/usr/bin/env bash
# Builds Helm, which the chart output (`tychoc compile --format helm`) is tested against with
# `helm template` and `helm lint`, from its Go module at a pinned version into a cache outside the
# repository. Idempotent: a cached binary is reused at once.
#
# Usage:
#   scripts/helm.sh           build if missing; print the binary's path on stdout
#   scripts/helm.sh --path    build nothing; print the path, exit 1 if it is not built
set -euo pipefail
shopt -s inherit_errexit # also abort inside $(...)

HELM_VERSION=v4.3.1
CACHE="${TYCHOC_CACHE:-$HOME/.cache/tychoc}"
OUT="$CACHE/bin/helm-$HELM_VERSION/helm"

if [[ "${1:-}" == "--path" ]]; then
  echo "$OUT"
  [[ -x "$OUT" ]]
  exit
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--path]" >&2
  exit 2
fi

if [[ -x "$OUT" ]]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null || { echo "helm.sh: 'go' is not on PATH" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false"
export GO111MODULE=on

# A throwaway main module that requires helm at the exact version: `go install …@VERSION` would
# ask the proxy for @v/list, which it refuses. Helm's go.mod has no replace lines to copy.
dir="$CACHE/src/helm-$HELM_VERSION"
if [[ ! -f "$dir/.ready" ]]; then
  rm -rf "$dir" && mkdir -p "$dir"
  gomod="$(cd "$dir" && go mod download -json "helm.sh/helm/v4@$HELM_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$gomod" ]] || { echo "helm.sh: cannot download helm.sh/helm/v4@$HELM_VERSION" >&2; exit 1; }
  {
    echo "module tychoc.invalid/helm-build"
    echo
    sed -n 's/^go \(.*\)$/go \1/p' "$gomod"
    echo
    echo "require helm.sh/helm/v4 $HELM_VERSION"
  } >"$dir/go.mod"
  touch "$dir/.ready"
fi

mkdir -p "$(dirname "$OUT")"
start=$(date +%s)
# The version as helm's Makefile stamps a release, so `helm version` names it.
ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.metadata="
# Build to a temporary name so that an interrupted build never looks cached.
(cd "$dir" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$OUT.tmp" helm.sh/helm/v4/cmd/helm)
mv "$OUT.tmp" "$OUT"
echo "helm.sh: built helm $HELM_VERSION in $(($(date +%s) - start))s" >&2
echo "$OUT"
