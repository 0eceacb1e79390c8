#!/usr/bin/env bash
# The systemic-risk report: random restaking networks of 10 to 1,000 operators and services,
# each the genesis of its own node; the overcollateralization certified, the cascades the
# stress test finds against their bound, and the time of each `RestakingApi` call. Writes
# benchmarks/risk.json, benchmarks/risk.svg and the systemic-risk section of
# benchmarks/README.md; fails if a certified network cascades beyond its bound.
#
#   benchmarks/risk.sh                             # release node (the one run.sh builds)
#   RISK_SIZES=10,100 RISK_REPEAT=1 benchmarks/risk.sh   # a quick look
#   NODE_BIN=path/to/restaking-node benchmarks/risk.sh   # another build
#
# Each node runs on RPC port RISK_RPC_PORT (default 9971) with temporary state and is stopped
# before the next starts, also when the run fails.
given_node="${NODE_BIN:-}"
source "$(dirname "$0")/../scripts/common.sh"

RISK_RPC_PORT="${RISK_RPC_PORT:-9971}"
port_busy "$RISK_RPC_PORT" && die "port $RISK_RPC_PORT is busy: stop what listens there, or \
choose another with RISK_RPC_PORT"

"$ROOT/scripts/setup.sh"
if [ -n "$given_node" ]; then
	NODE_BIN="$given_node"
	label="\`$(basename "$NODE_BIN")\` given by NODE_BIN"
else
	NODE_BIN="$(build_bench_node release)"
	label="release build with \`runtime-benchmarks\` (benchmarks/run.sh)"
fi
say "Systemic-risk report: $NODE_BIN on port $RISK_RPC_PORT"
NODE_BIN="$NODE_BIN" NODE_LABEL="$label" RISK_RPC_PORT="$RISK_RPC_PORT" \
	node "$ROOT/tests/e2e/risk.js"
