#!/usr/bin/env bash
# The offline demo: sets up (scripts/setup.sh), starts the vendor simulators on loopback, installs the
# packed package into the root demo stack as a user would, then runs `pulumi up`, `refresh` (no changes),
# an update, `preview` (no changes left) and `destroy`, printing the outputs and the simulators'
# inventory in between. State lives in .cache/demo/ (a local file:// backend).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ppc_setup
cd "$PPC_ROOT"

step() { printf '\n=== %s\n' "$*"; }
work="$PPC_CACHE/demo"
# Every run starts from a clean state and fresh simulators.
rm -rf "$work/sim" "$work/state" && mkdir -p "$work/state" "$work/sim" "$work/pack"
export PULUMI_BACKEND_URL="file://$work/state"

step "Packing pulumi-private-cloud and installing it into demo/ (as a user would)"
rm -f "$work/pack"/*.tgz
tarball="$work/pack/$(npm pack --silent --pack-destination "$work/pack" | tail -n 1)"
(cd demo && npm install --no-audit --no-fund --no-save --no-package-lock --prefer-offline --loglevel=error \
  "pulumi-private-cloud@file:$tarball")

step "Starting the simulators"
node dist/simulator/cli.js --state-dir "$work/sim" > "$work/sim/urls" 2> "$work/sim/log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^ready$' "$work/sim/urls" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready$' "$work/sim/urls" || { cat "$work/sim/log" >&2; exit 1; }
grep -v '^ready$' "$work/sim/urls"
url() { awk -v v="$1" '$1 == v { print $2 }' "$work/sim/urls"; }

pulumi stack select demo --create --non-interactive >/dev/null
# Credentials of the simulators' demo accounts; against a real endpoint, set your own (see README).
pulumi config set cvm:endpoint "$(url cvm)" --non-interactive
pulumi config set cvm:publicToken demo-public --non-interactive
pulumi config set --secret cvm:privateToken demo-private --non-interactive
pulumi config set cloudtower:endpoint "$(url cloudtower)" --non-interactive
pulumi config set cloudtower:username admin --non-interactive
pulumi config set --secret cloudtower:password tower-pass --non-interactive
pulumi config set cloudtower:pollIntervalMs 250 --non-interactive
pulumi config set cloudsigma:endpoint "$(url cloudsigma)" --non-interactive
pulumi config set cloudsigma:username demo@example.com --non-interactive
pulumi config set --secret cloudsigma:password sigma-pass --non-interactive
pulumi config set cloudsigma:pollIntervalMs 250 --non-interactive
pulumi config set chimestack:endpoint "$(url chimestack)" --non-interactive
pulumi config set chimestack:username admin --non-interactive
pulumi config set --secret chimestack:password admin-pass --non-interactive
pulumi config set chimestack:pollIntervalMs 250 --non-interactive
for k in dbPower webCount dbMemoryMb dataDiskGb appPower; do pulumi config rm "$k" --non-interactive 2>/dev/null || true; done

inventory() {
  for v in $(grep -v '^ready$' "$work/sim/urls" | awk '{print $1}'); do
    node -e 'fetch(process.argv[1]).then((r) => r.json()).then((inv) => {
      for (const [c, items] of Object.entries(inv)) {
        const names = items.map((i) => i.status ? `${i.name ?? i.hostname} (${i.status})` : (i.name ?? i.hostname ?? i.id));
        console.log(`${process.argv[2]} ${c}: ${items.length}${["vms", "vpses", "vlans", "vmSnapshots"].includes(c) ? ": " + names.join(", ") : ""}`);
      }
    })' "$(url "$v")/_sim/inventory" "$v"
  done
}

step "pulumi up"
pulumi up --yes --skip-preview --non-interactive
pulumi stack output --json

step "pulumi refresh (CloudSigma drives learn which servers mounted them after they were made)"
pulumi refresh --yes --non-interactive
step "pulumi refresh again (expect no changes)"
pulumi refresh --yes --expect-no-changes --non-interactive

step "An update: one more web VM, bigger databases (restarted to resize), a bigger data drive, stopped app VMs, and the database VPS started"
pulumi config set appPower stopped --non-interactive
pulumi config set dataDiskGb 150 --non-interactive
pulumi config set webCount 4 --non-interactive
pulumi config set dbMemoryMb 8192 --non-interactive
pulumi config set dbPower running --non-interactive
pulumi preview --diff --non-interactive
pulumi up --yes --skip-preview --non-interactive
pulumi stack output --json
step "Simulator inventory"
inventory

step "pulumi preview (expect no changes)"
pulumi preview --expect-no-changes --non-interactive

step "pulumi destroy"
pulumi destroy --yes --skip-preview --non-interactive
step "Simulator inventory after destroy (CloudTower and ChimeStack keep only what they had, CloudSigma its subscriptions; CVM VPSes are released, not deleted)"
inventory
step "Demo finished"
