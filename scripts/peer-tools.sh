#!/usr/bin/env bash
# Builds the peer tools the test suite runs tychoc against (each from its Go module, pinned, into
# the cache outside the repository; a cached binary is reused at once). One line per tool.
set -euo pipefail
cd "$(dirname "$0")"
for tool in kompose helm kustomize; do
  echo "$tool: $(bash "./$tool.sh")"
done
