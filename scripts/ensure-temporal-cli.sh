#!/usr/bin/env bash
# Makes the Temporal CLI (which carries the dev server) available, without downloading anything at
# test time. Order: $TEMPORAL_CLI, `temporal` on PATH, Go's bin folder: the first whose version is
# the pinned one wins. Only when none is found is it built from source with `go install` (the first
# build takes 10-15 minutes; later runs reuse it). Prints the binary's path on the last line of
# stdout and writes it to .data/temporal-cli-path, where common/temporal-cli.ts reads it.
set -euo pipefail

PINNED_VERSION="1.5.1"
# v1.6 and later cannot be `go install`ed (their go.mod has a replace directive).
MODULE="github.com/temporalio/cli/cmd/temporal"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "[temporal-cli] $*" >&2; }

# A release binary says "temporal version 1.5.1 (...)"; a `go install` build says 0.0.0-DEV, so
# for those the module version is read from the build info Go embeds in the binary.
has_pinned_version() {
  local candidate="$1"
  [ -x "$candidate" ] || return 1
  if "$candidate" --version 2>/dev/null | grep -q "version ${PINNED_VERSION}\b"; then return 0; fi
  if command -v go >/dev/null 2>&1 && go version -m "$candidate" 2>/dev/null | grep -qE "^\s+mod\s+github.com/temporalio/cli\s+v${PINNED_VERSION}\b"; then
    return 0
  fi
  return 1
}

found=""
candidates=()
[ -n "${TEMPORAL_CLI:-}" ] && candidates+=("$TEMPORAL_CLI")
if command -v temporal >/dev/null 2>&1; then candidates+=("$(command -v temporal)"); fi
if command -v go >/dev/null 2>&1; then
  gobin="$(go env GOBIN)"; [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  candidates+=("$gobin/temporal")
fi
for candidate in "${candidates[@]}"; do
  if has_pinned_version "$candidate"; then found="$candidate"; break; fi
  [ -e "$candidate" ] && log "ignoring $candidate: not version ${PINNED_VERSION}"
done

if [ -z "$found" ]; then
  if ! command -v go >/dev/null 2>&1; then
    log "No Temporal CLI ${PINNED_VERSION} found and Go is not installed."
    log "Install Go (1.22 or later) and run this again, or set TEMPORAL_CLI to a temporal ${PINNED_VERSION} binary."
    exit 1
  fi
  log "Building the Temporal CLI ${PINNED_VERSION} with go install (the first build takes 10-15 minutes)..."
  if ! CGO_ENABLED=0 go install "${MODULE}@v${PINNED_VERSION}" >&2; then
    log "go install ${MODULE}@v${PINNED_VERSION} failed (see above)."
    log "Fix: make Go's module proxy reachable, or set TEMPORAL_CLI to a temporal ${PINNED_VERSION} binary."
    exit 1
  fi
  gobin="$(go env GOBIN)"; [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  found="$gobin/temporal"
  has_pinned_version "$found" || { log "built $found but it does not report version ${PINNED_VERSION}"; exit 1; }
fi

mkdir -p "$repo_root/.data"
echo "$found" > "$repo_root/.data/temporal-cli-path"
log "using $found"
echo "$found"
