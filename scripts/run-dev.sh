#!/usr/bin/env bash
# Set up, build and run a single-node dev chain: Alice validates, blocks every 3 seconds,
# GRANDPA finalizes, state is temporary. RPC on ws://127.0.0.1:$RPC_PORT (9944) for
# polkadot-js apps. Extra arguments go to the node (for example `--base-path /tmp/chain` to
# keep state between runs). Stop it with Ctrl-C.
source "$(dirname "$0")/common.sh"

if port_busy "$RPC_PORT"; then
	die "port $RPC_PORT is busy: another node (or program) is listening there. Stop it, or \
choose another port with RPC_PORT=9945 $0"
fi

SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
build_node

say "Starting the dev chain: RPC on ws://127.0.0.1:$RPC_PORT"
say "polkadot-js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT"
exec "$NODE_BIN" --dev --rpc-port "$RPC_PORT" "$@"
