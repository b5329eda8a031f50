#!/usr/bin/env bash
# Sets up a fresh clone: Node >= 22 (installed into .cache/ when the machine's is older), the npm
# packages, a build of the package, and a Pulumi CLI (the one on PATH, or one built from Go modules
# into .cache/pulumi-cli/). Safe to run again: a second run reuses everything and takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PPC_ROOT"
start=$(date +%s)

ppc_ensure_node
ppc_log "node $(node --version) at $(command -v node)"

# npm ci is the reproducible install; skip it when node_modules already matches the lock file.
stamp="node_modules/.ppc-lock-sha"
lock_sha="$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
  ppc_log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sha" > "$stamp"
fi

ppc_log "building the package"
npx tsc -p tsconfig.json

ppc_ensure_pulumi
ppc_log "pulumi $(pulumi version) at $(command -v pulumi)"
ppc_log "setup done in $(( $(date +%s) - start ))s"
