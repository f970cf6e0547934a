#!/usr/bin/env bash
# Builds kustomize, which the KRM function tests run `tychoc krm` under (kustomize build
# --enable-alpha-plugins --enable-exec), from its Go module at a pinned version into a cache outside
# the repository. Idempotent: a cached binary is reused at once.
#
# Usage:
#   scripts/kustomize.sh           build if missing; print the binary's path on stdout
#   scripts/kustomize.sh --path    build nothing; print the path, exit 1 if it is not built
set -euo pipefail
shopt -s inherit_errexit # also abort inside $(...)

# v5.8.0 asks for go 1.24: it builds with the Go this machine has, no toolchain download.
KUSTOMIZE_VERSION=v5.8.0
CACHE="${TYCHOC_CACHE:-$HOME/.cache/tychoc}"
OUT="$CACHE/bin/kustomize-$KUSTOMIZE_VERSION/kustomize"

if [[ "${1:-}" == "--path" ]]; then
  echo "$OUT"
  [[ -x "$OUT" ]]
  exit
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--path]" >&2
  exit 2
fi

if [[ -x "$OUT" ]]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null || { echo "kustomize.sh: 'go' is not on PATH" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false"
export GO111MODULE=on

# A throwaway main module requiring kustomize at the exact version, as scripts/kompose.sh does:
# `go install …@VERSION` would ask the proxy for the version list, which it may refuse.
dir="$CACHE/src/kustomize-$KUSTOMIZE_VERSION"
if [[ ! -f "$dir/.ready" ]]; then
  rm -rf "$dir" && mkdir -p "$dir"
  gomod="$(cd "$dir" && go mod download -json "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$gomod" ]] || { echo "kustomize.sh: cannot download sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2; exit 1; }
  {
    echo "module tychoc.invalid/kustomize-build"
    echo
    sed -n 's/^go \(.*\)$/go \1/p' "$gomod"
    echo
    echo "require sigs.k8s.io/kustomize/kustomize/v5 $KUSTOMIZE_VERSION"
  } >"$dir/go.mod"
  touch "$dir/.ready"
fi

mkdir -p "$(dirname "$OUT")"
start=$(date +%s)
# Build to a temporary name so that an interrupted build never looks cached.
(cd "$dir" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$OUT.tmp" sigs.k8s.io/kustomize/kustomize/v5)
mv "$OUT.tmp" "$OUT"
echo "kustomize.sh: built kustomize $KUSTOMIZE_VERSION in $(($(date +%s) - start))s" >&2
echo "$OUT"
