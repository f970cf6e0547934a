#!/usr/bin/env bash
# Builds the pinned binaries used by the real-cluster test harness (test/cluster/)
# from source through the Go module proxy, into a cache outside the repository.
# Idempotent: binaries already in the cache are reused.
#
# Usage:
#   scripts/cluster-binaries.sh           build what is missing, one line per binary
#   scripts/cluster-binaries.sh --paths   build nothing; print "name<TAB>path" per binary,
#                                         exit 1 if any is missing
set -euo pipefail
shopt -s inherit_errexit # also abort inside $(...)

# Pinned versions. k8s.io/kubernetes replaces its staging modules with local
# directories, so they are pinned to the matching v0.x.y tags instead.
K8S_VERSION=v1.33.13
K8S_STAGING_VERSION=v0.33.13
# etcd 3.5.x is what Kubernetes 1.33 itself is built and tested against.
ETCD_VERSION=v3.5.35
# kwok v0.7.0 is built against the k8s.io 0.33 libraries (v0.8.0 moved to 0.36).
KWOK_VERSION=v0.7.0
# The version kubeadm 1.33 installs; cluster DNS of the real-node harness.
COREDNS_VERSION=v1.12.0

CACHE="${TYCHOC_CACHE:-$HOME/.cache/tychoc}"
K8S_DIR="$CACHE/bin/$K8S_VERSION"
ETCD_DIR="$CACHE/bin/etcd-$ETCD_VERSION"
KWOK_DIR="$CACHE/bin/kwok-$KWOK_VERSION"
COREDNS_DIR="$CACHE/bin/coredns-$COREDNS_VERSION"
# kubelet and kube-proxy make the real node; the rest, the control plane and its client.
K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)

# Everything below must run with module mode on, whatever the caller's GOFLAGS are.
export GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false"
export GO111MODULE=on

binary_paths() {
  for cmd in "${K8S_CMDS[@]}"; do printf '%s\t%s\n' "$cmd" "$K8S_DIR/$cmd"; done
  printf 'etcd\t%s\n' "$ETCD_DIR/etcd"
  printf 'kwok\t%s\n' "$KWOK_DIR/kwok"
  printf 'coredns\t%s\n' "$COREDNS_DIR/coredns"
}

if [[ "${1:-}" == "--paths" ]]; then
  missing=0
  while IFS=$'\t' read -r _ path; do [[ -x "$path" ]] || missing=1; done < <(binary_paths)
  binary_paths
  exit "$missing"
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--paths]" >&2
  exit 2
fi

command -v go >/dev/null || { echo "cluster-binaries: 'go' is not on PATH" >&2; exit 1; }

# report NAME VERSION STATE START PATH — the one status line per binary.
report() { printf '%-24s %-9s %-7s %4ss  %s\n' "$1" "$2" "$3" "$(($(date +%s) - $4))" "$5"; }

# Writes a throwaway main module (in the cache) that can build k8s.io/kubernetes
# commands: `go install ...@version` refuses modules whose go.mod has replace lines.
k8s_wrapper_module() {
  local dir="$CACHE/src/kubernetes-$K8S_VERSION"
  if [[ ! -f "$dir/.ready" ]]; then
    rm -rf "$dir" && mkdir -p "$dir"
    local gomod
    gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
    [[ -f "$gomod" ]] || { echo "cluster-binaries: cannot download k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
    {
      echo "module tychoc.invalid/k8s-build"
      echo
      sed -n 's/^go \(.*\)$/go \1/p' "$gomod"
      echo
      echo "require k8s.io/kubernetes $K8S_VERSION"
      echo
      echo "replace ("
      # Every "k8s.io/x => ./staging/src/k8s.io/x" line of kubernetes' own go.mod.
      awk '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' v="$K8S_STAGING_VERSION" "$gomod"
      echo ")"
    } >"$dir/go.mod"
    touch "$dir/.ready"
  fi
  echo "$dir"
}

build_k8s() {
  local ldflags="-s -w"
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  # Without these the binaries report v0.0.0-master, which breaks version checks.
  for kv in "gitVersion=$K8S_VERSION" gitMajor=1 "gitMinor=$minor" gitTreeState=clean \
    buildDate=1970-01-01T00:00:00Z; do
    ldflags+=" -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
  done
  local wrapper=""
  for cmd in "${K8S_CMDS[@]}"; do
    local start out="$K8S_DIR/$cmd"
    start=$(date +%s)
    if [[ -x "$out" ]]; then report "$cmd" "$K8S_VERSION" cached "$start" "$out"; continue; fi
    [[ -n "$wrapper" ]] || wrapper="$(k8s_wrapper_module)"
    mkdir -p "$K8S_DIR"
    # Build to a temporary name so that an interrupted build never looks cached.
    (cd "$wrapper" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$out.tmp" "$out"
    report "$cmd" "$K8S_VERSION" built "$start" "$out"
  done
}

build_etcd() {
  local start out="$ETCD_DIR/etcd"
  start=$(date +%s)
  if [[ -x "$out" ]]; then report etcd "$ETCD_VERSION" cached "$start" "$out"; return; fi
  # go.etcd.io/etcd/server/v3 has replace lines too, so it also needs a wrapper module.
  local dir="$CACHE/src/etcd-$ETCD_VERSION"
  mkdir -p "$dir" "$ETCD_DIR"
  [[ -f "$dir/go.mod" ]] || printf 'module tychoc.invalid/etcd-build\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' \
    "$ETCD_VERSION" >"$dir/go.mod"
  (cd "$dir" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$out.tmp" go.etcd.io/etcd/server/v3)
  mv "$out.tmp" "$out"
  report etcd "$ETCD_VERSION" built "$start" "$out"
}

# go_install NAME VERSION DIR PACKAGE: for modules without replace lines, plain `go install` works.
go_install() {
  local name=$1 version=$2 dir=$3 package=$4 start out="$3/$1"
  start=$(date +%s)
  if [[ -x "$out" ]]; then report "$name" "$version" cached "$start" "$out"; return; fi
  mkdir -p "$dir"
  local gobin
  gobin="$(mktemp -d)"
  GOBIN="$gobin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags "-s -w" "$package@$version"
  mv "$gobin/$name" "$out"
  rmdir "$gobin"
  report "$name" "$version" built "$start" "$out"
}

build_etcd
go_install kwok "$KWOK_VERSION" "$KWOK_DIR" sigs.k8s.io/kwok/cmd/kwok
go_install coredns "$COREDNS_VERSION" "$COREDNS_DIR" github.com/coredns/coredns
build_k8s
