#!/usr/bin/env bash
# Builds Kompose, the reference compose-to-Kubernetes converter the benchmarks and the coverage
# report compare against, from its Go module at a pinned version into a cache outside the
# repository. Idempotent: a cached binary is reused at once.
#
# Usage:
#   scripts/kompose.sh           build if missing; print the binary's path on stdout
#   scripts/kompose.sh --path    build nothing; print the path, exit 1 if it is not built
set -euo pipefail
shopt -s inherit_errexit # also abort inside $(...)

KOMPOSE_VERSION=v1.37.0
CACHE="${TYCHOC_CACHE:-$HOME/.cache/tychoc}"
OUT="$CACHE/bin/kompose-$KOMPOSE_VERSION/kompose"

if [[ "${1:-}" == "--path" ]]; then
  echo "$OUT"
  [[ -x "$OUT" ]]
  exit
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--path]" >&2
  exit 2
fi

if [[ -x "$OUT" ]]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null || { echo "kompose.sh: 'go' is not on PATH" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false"
export GO111MODULE=on

# `go install github.com/kubernetes/kompose@VERSION` fails twice over: kompose's go.mod has a
# replace line (which go install refuses), and the proxy answers 403 to the @v/list lookup
# go install makes. A throwaway main module that requires kompose at the exact version, with
# kompose's own replace lines copied in, builds it with neither problem.
dir="$CACHE/src/kompose-$KOMPOSE_VERSION"
if [[ ! -f "$dir/.ready" ]]; then
  rm -rf "$dir" && mkdir -p "$dir"
  gomod="$(cd "$dir" && go mod download -json "github.com/kubernetes/kompose@$KOMPOSE_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$gomod" ]] || { echo "kompose.sh: cannot download github.com/kubernetes/kompose@$KOMPOSE_VERSION" >&2; exit 1; }
  {
    echo "module tychoc.invalid/kompose-build"
    echo
    sed -n 's/^go \(.*\)$/go \1/p' "$gomod"
    echo
    echo "require github.com/kubernetes/kompose $KOMPOSE_VERSION"
    echo
    # Both forms: `replace a v => b v` and lines inside a `replace ( … )` block.
    awk '/^replace \(/ { inblock = 1; next }
         inblock && /^\)/ { inblock = 0; next }
         inblock && /=>/ { sub(/^[ \t]+/, ""); print "replace " $0; next }
         /^replace [^(]/ { print }' "$gomod"
  } >"$dir/go.mod"
  touch "$dir/.ready"
fi

mkdir -p "$(dirname "$OUT")"
start=$(date +%s)
# Build to a temporary name so that an interrupted build never looks cached.
(cd "$dir" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$OUT.tmp" github.com/kubernetes/kompose)
mv "$OUT.tmp" "$OUT"
echo "kompose.sh: built kompose $KOMPOSE_VERSION in $(($(date +%s) - start))s" >&2
echo "$OUT"
