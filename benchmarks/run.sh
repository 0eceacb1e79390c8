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
# `pallets/<name>/src/weights.rs` from `benchmarks/weight-template.hbs`. Benchmarks named
# `scaling_*` are left out: they feed the scaling report (`benchmarks/scaling.sh`).
source "$(dirname "$0")/../scripts/common.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
# `release` (the default) gives production figures; `PROFILE=dev` builds much faster, and its
# unoptimized host functions (storage, hashing) only over-estimate weights.
PROFILE="${PROFILE:-release}"

# pallet name → crate folder.
declare -A PALLETS=(
	[pallet_restaking]=pallets/restaking
	[pallet_slashing]=pallets/slashing
	[pallet_insurance]=pallets/insurance
	[pallet_liquid_restaking]=pallets/liquid
)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${!PALLETS[@]}")

SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
bin="$(build_bench_node "$PROFILE")"
# Paths relative to the repository, so that the command recorded in each weights file does not
# depend on where the repository is checked out.
cd "$ROOT"

for pallet in "${selected[@]}"; do
	folder="${PALLETS[$pallet]:-}"
	[ -n "$folder" ] || die "unknown pallet '$pallet' (known: ${!PALLETS[*]})"
	# `scaling_*` benchmarks feed the scaling report (scaling.sh), not the weights.
	excluded="$("$bin" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' --list 2>/dev/null |
		awk -F', ' '$2 ~ /^scaling_/ { printf "%s%s::%s", sep, $1, $2; sep = "," }')"
	say "Benchmarking $pallet: $STEPS steps, $REPEAT repeats"
	"$bin" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		${excluded:+--exclude-extrinsics "$excluded"} \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		--template benchmarks/weight-template.hbs \
		--output "$folder/src/weights.rs"
done
