#!/usr/bin/env bash
# Regenerate the weights of this workspace's pallets on this machine.
#
#   benchmarks/run.sh                  # every pallet, 50 steps, 20 repeats
#   benchmarks/run.sh pallet_restaking # one pallet
#   STEPS=2 REPEAT=1 benchmarks/run.sh # a quick smoke run (weights not fit for a chain)
#
# Builds the node with `--features runtime-benchmarks` in its own target directory
# (`$BENCH_TARGET_DIR`, default ~/.cache/restaking-target-bench) so that the everyday build
# cache stays valid, then runs `benchmark pallet` against the dev runtime and writes
# `pallets/<name>/src/weights.rs` from `benchmarks/weight-template.hbs`.
source "$(dirname "$0")/../scripts/common.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
# `release` gives production figures; the default debug build is much faster to build, and its
# unoptimized host functions (storage, hashing) only over-estimate weights.
PROFILE="${PROFILE:-dev}"
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/restaking-target-bench}"

# pallet name → crate folder.
declare -A PALLETS=(
	[pallet_restaking]=pallets/restaking
	[pallet_slashing]=pallets/slashing
	[pallet_insurance]=pallets/insurance
)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${!PALLETS[@]}")

SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
say "Building the node with runtime-benchmarks (target dir: $CARGO_TARGET_DIR)"
(cd "$ROOT" && cargo build --locked --profile "$PROFILE" -p restaking-node --features runtime-benchmarks)
bin="$CARGO_TARGET_DIR/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")/restaking-node"

for pallet in "${selected[@]}"; do
	folder="${PALLETS[$pallet]:-}"
	[ -n "$folder" ] || die "unknown pallet '$pallet' (known: ${!PALLETS[*]})"
	say "Benchmarking $pallet: $STEPS steps, $REPEAT repeats"
	"$bin" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		--template "$ROOT/benchmarks/weight-template.hbs" \
		--output "$ROOT/$folder/src/weights.rs"
done
