#!/usr/bin/env bash
# Set up, build and run a single-node dev chain: Alice validates, blocks every 3 seconds,
# GRANDPA finalizes, state is temporary. RPC on ws://127.0.0.1:$RPC_PORT (9944) for
# polkadot-js apps, and the dashboard (dashboard/) on http://127.0.0.1:$DASHBOARD_PORT (5173).
# Extra arguments go to the node (for example `--base-path /tmp/chain` to keep state between
# runs). Stop both with Ctrl-C.
source "$(dirname "$0")/common.sh"

DASHBOARD_PORT="${DASHBOARD_PORT:-5173}"
for port in "$RPC_PORT" "$DASHBOARD_PORT"; do
	if port_busy "$port"; then
		die "port $port is busy: another node (or program) is listening there. Stop it, or \
choose other ports with RPC_PORT=9945 DASHBOARD_PORT=5174 $0"
	fi
done

SETUP_SKIP_BROWSER=1 "$ROOT/scripts/setup.sh"
build_node
say "Building the dashboard"
npm --prefix "$ROOT/dashboard" run build --silent

# `exec`: the background job is Vite itself, so the trap below ends it with the chain.
(cd "$ROOT/dashboard" && exec node_modules/.bin/vite preview --port "$DASHBOARD_PORT" >/dev/null) &
preview=$!
trap 'kill "$preview" 2>/dev/null || true' EXIT

say "Starting the dev chain: RPC on ws://127.0.0.1:$RPC_PORT"
say "polkadot-js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT"
say "Dashboard: http://127.0.0.1:$DASHBOARD_PORT/?rpc=ws://127.0.0.1:$RPC_PORT"
"$NODE_BIN" --dev --rpc-port "$RPC_PORT" "$@"
