#!/usr/bin/env bash
# Runs the tests. With no option: sets up everything (scripts/setup.sh: Node, packages, build, Pulumi
# CLI, CloudTower's Python SDK) and runs every test: unit, simulator, provider lifecycle, the CloudTower SDK
# conformance suite and the end-to-end tests through the real Pulumi CLI (what CI runs). With --unit: only
# Node, the packages and the SDK, then every test but the end-to-end ones (no build, no Pulumi CLI; about
# two minutes). Other arguments go to vitest (e.g. a test file).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
unit=0
if [ "${1:-}" = "--unit" ]; then unit=1; shift; fi
if [ "$unit" = 1 ]; then
  ppc_ensure_node
  ppc_install_packages
  ppc_ensure_cloudtower_sdk || ppc_log "the CloudTower SDK conformance suite (test/sdk/) cannot run"
  cd "$PPC_ROOT"
  export PPC_SKIP_E2E=1
  set -- --exclude "test/e2e/**" "$@"
else
  ppc_setup
  cd "$PPC_ROOT"
  if command -v go >/dev/null; then
    (cd scripts/pulumi-cli && GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" CGO_ENABLED=0 go test ./cmd/...)
  else
    echo "[test] no Go toolchain: skipping the language host's Go unit tests"
  fi
fi
npx tsc -p tsconfig.test.json
report="$PPC_CACHE/vitest-report.json"
rm -f "$report"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line that any CI reads: "N passed, N failed, N skipped".
if [ -f "$report" ]; then
  node -e 'const r = require(process.argv[1]);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$report"
fi
exit "$status"
