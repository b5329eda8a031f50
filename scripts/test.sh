#!/usr/bin/env bash
# Runs the tests. With no option: sets up everything (scripts/setup.sh: Node, packages, build, Pulumi
# CLI, CloudTower's Python SDK) and runs every test: unit, simulator, provider lifecycle, the CloudTower SDK
# conformance suite, the lint (eslint, prettier --check) and the end-to-end tests through the real Pulumi
# CLI, then the end-to-end tests again on a current Pulumi SDK (what CI runs). With --unit: only
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
  ppc_ensure_cloudsigma_libcloud || ppc_log "the CloudSigma libcloud conformance suite (test/sdk/) cannot run"
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
# The GitOps templates' linters: test/gitops/templates.test.ts fails in CI without them, says why elsewhere.
ppc_ensure_ci_linters || ppc_log "the GitOps templates cannot be linted (test/gitops/templates.test.ts)"
npx tsc -p tsconfig.test.json
status=0
if [ "$unit" = 0 ] && [ "$#" = 0 ]; then
  echo "[test] lint: eslint and prettier --check"
  npx eslint . && npx prettier --check --log-level warn . || status=1
fi
reports=()
# vitest with a JSON report of its own; later runs add to the closing line.
run_vitest() {
  local report="$PPC_CACHE/vitest-report-${#reports[@]}.json"
  rm -f "$report"
  reports+=("$report")
  npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
}
run_vitest "$@"
# The package supports a range of the Pulumi SDK: the test projects install its floor (above, the version
# the CLI is built at); CI then runs the end-to-end suite again on a current SDK (package.json's
# config.pulumiSdkCurrent, raised by hand as new SDKs come out).
if [ "$unit" = 0 ] && [ "$#" = 0 ]; then
  current="$(node -p 'require("./package.json").config.pulumiSdkCurrent')"
  echo "[test] the end-to-end suite again with @pulumi/pulumi $current in the test projects"
  PPC_PULUMI_SDK="$current" run_vitest test/e2e
fi
# One plain closing line that any CI reads: "N passed, N failed, N skipped".
node -e 'const fs = require("fs"); let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1).filter((x) => fs.existsSync(x))) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);' "${reports[@]}"
exit "$status"
