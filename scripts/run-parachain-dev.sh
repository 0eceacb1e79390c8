#!/usr/bin/env bash
# Build and run the parachain runtime alone, the standard way: `polkadot-omni-node --dev` on a
# chain spec made from the runtime's `development` preset. Alice collates (a block every 3
# seconds, sealed by the node; no relay chain: its validation data is mocked), state is
# temporary, RPC on ws://127.0.0.1:$RPC_PORT (9944) for polkadot-js apps.
#
# The first run installs polkadot-omni-node from crates.io into $OMNI_NODE_ROOT
# (~/.cache/restaking-omni-node), a long build (docs/parachain.md has the figures). Extra
# arguments go to the node. Eras move when the relay chain reports sessions; on this dev chain
# send them with sudo (`stakingRcClient.relaySessionReport`; docs/parachain.md shows how).
# Stop it with Ctrl-C.
source "$(dirname "$0")/common.sh"

if port_busy "$RPC_PORT"; then
	die "port $RPC_PORT is busy: another node (or program) is listening there. Stop it, or \
choose another port with RPC_PORT=9945 $0"
fi

SETUP_SKIP_BROWSER=1 SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
build_parachain_runtime
install_omni_node

spec="$(mktemp -d)/restaking-parachain-dev.json"
say "Making the chain spec of the development preset: $spec"
parachain_spec "$spec" development

say "Starting the parachain dev node: RPC on ws://127.0.0.1:$RPC_PORT"
say "polkadot-js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT"
exec "$OMNI_NODE_BIN" --chain "$spec" --dev --rpc-port "$RPC_PORT" "$@"
