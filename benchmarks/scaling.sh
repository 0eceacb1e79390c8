#!/usr/bin/env bash
# The scaling report: weight against 1 … 10,000 delegators for the hot paths, beside an eager
# baseline that walks every delegator, plus `settle` against nomination pools' `apply_slash`
# and the block capacity. Writes benchmarks/scaling.json, benchmarks/scaling.svg and the
# report section of benchmarks/README.md.
#
#   benchmarks/scaling.sh                       # release node, 3 repeats, all points
#   PROFILE=dev REPEAT=1 POINTS=1,10,100 benchmarks/scaling.sh   # a quick look
source "$(dirname "$0")/../scripts/common.sh"

PROFILE="${PROFILE:-release}"
REPEAT="${REPEAT:-3}"
POINTS="${POINTS:-1,10,100,1000,10000}"

SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
bin="$(build_bench_node "$PROFILE")"
machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), \
$(uname -m), node built with profile \`$PROFILE\`"
python3 "$ROOT/benchmarks/scaling.py" --node "$bin" --points "$POINTS" --repeat "$REPEAT" \
	--machine "$machine"
