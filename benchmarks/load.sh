#!/usr/bin/env bash
# The load run: at least 2,000 restaking transactions from 200 accounts against a dev node,
# every one followed to its block and its outcome checked. Writes benchmarks/load.json,
# benchmarks/load.svg and the load section of benchmarks/README.md; fails if a transaction is
# lost, ends with an unexpected error, or a block goes over its weight.
#
#   benchmarks/load.sh                          # the debug node that scripts/run-dev.sh runs
#   LOAD_ACCOUNTS=400 benchmarks/load.sh        # 4,000 transactions
#   NODE_BIN=path/to/restaking-node benchmarks/load.sh   # another build (for example release)
#
# The node runs on its own RPC port (LOAD_RPC_PORT, default 9970) with temporary state and is
# stopped when the run ends, also when it fails.
given_node="${NODE_BIN:-}"
source "$(dirname "$0")/../scripts/common.sh"

LOAD_RPC_PORT="${LOAD_RPC_PORT:-9970}"
port_busy "$LOAD_RPC_PORT" && die "port $LOAD_RPC_PORT is busy: stop what listens there, or \
choose another with LOAD_RPC_PORT"

"$ROOT/scripts/setup.sh"
if [ -n "$given_node" ]; then
	NODE_BIN="$given_node"
else
	build_node
fi
say "Load run: $NODE_BIN on port $LOAD_RPC_PORT"
NODE_BIN="$NODE_BIN" LOAD_RPC_PORT="$LOAD_RPC_PORT" node "$ROOT/tests/e2e/load.js"
