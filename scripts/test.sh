#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test: unit, simulator, provider lifecycle and the end-to-end
# tests through the real Pulumi CLI. Extra arguments go to vitest (e.g. a test file).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$PPC_ROOT/scripts/setup.sh"
ppc_ensure_node
ppc_ensure_pulumi
ppc_offline_pulumi
cd "$PPC_ROOT"
npx tsc -p tsconfig.test.json
npx vitest run "$@"
