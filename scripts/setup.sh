#!/usr/bin/env bash
# Sets up a fresh clone: Node >= 22 (installed into .cache/ when the machine's is older), the npm
# packages, a build of the package, a Pulumi CLI (the one on PATH, or one built from Go modules
# into .cache/pulumi-cli/), and CloudTower's Python SDK in a venv (test/sdk/). Safe to run again: a second run reuses everything and takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ppc_setup
