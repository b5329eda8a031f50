#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test: unit, simulator, provider lifecycle and the end-to-end
# tests through the real Pulumi CLI. Extra arguments go to vitest (e.g. a test file).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ppc_setup
cd "$PPC_ROOT"
if command -v go >/dev/null; then
  (cd scripts/pulumi-cli && GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" CGO_ENABLED=0 go test ./cmd/...)
else
  echo "[test] no Go toolchain: skipping the language host's Go unit tests"
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
