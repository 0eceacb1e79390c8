#!/usr/bin/env bash
# Regenerate the weights of this workspace on this machine.
#
#   benchmarks/run.sh                  # every pallet, then `overhead` and `storage`
#   benchmarks/run.sh pallet_restaking # one pallet
#   benchmarks/run.sh overhead storage # the runtime's base and database weights only
#   benchmarks/run.sh frame_system_extensions pallet_transaction_payment  # transaction extensions
#   STEPS=2 REPEAT=1 benchmarks/run.sh # a quick smoke run (weights not fit for a chain)
#
# Builds the node with `--features runtime-benchmarks` in its own target directory
# (`$BENCH_TARGET_DIR`, default ~/.cache/restaking-target-bench) so that the everyday build
# cache stays valid. Then:
# - `benchmark pallet` on the runtime blob, whose genesis builder makes the `development`
#   state, writes `pallets/<name>/src/weights.rs` from `benchmarks/weight-template.hbs`.
#   Benchmarks named `scaling_*` are left out: they feed the scaling report (`scaling.sh`).
# - `benchmark overhead` on the dev chain writes `runtime/src/weights/block_weights.rs` and
#   `extrinsic_weights.rs` (the base weights of a block and of a signed transaction).
# - `benchmark pallet` of `frame_system_extensions` and `pallet_transaction_payment` writes
#   `runtime/src/weights/<pallet>.rs`: the weights of the transaction extensions, which every
#   signed transaction is charged on top of its call and `ExtrinsicBaseWeight`.
# - `benchmark storage` on a ParityDB database of the dev chain writes
#   `runtime/src/weights/paritydb_weights.rs` (the node's database read and write weights).
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
# Pallets of polkadot-sdk whose weights this runtime generates → file under runtime/src/weights
# (written with the benchmark CLI's own template): the transaction extensions every signed
# transaction pays for.
declare -A RUNTIME_PALLETS=(
	[frame_system_extensions]=runtime/src/weights/frame_system_extensions.rs
	[pallet_transaction_payment]=runtime/src/weights/pallet_transaction_payment.rs
)
selected=("$@")
[ ${#selected[@]} -gt 0 ] ||
	selected=("${!PALLETS[@]}" "${!RUNTIME_PALLETS[@]}" overhead storage)

SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
bin="$(build_bench_node "$PROFILE")"
wasm="$(dirname "$bin")/wbuild/restaking-runtime/restaking_runtime.compact.compressed.wasm"
[ -f "$wasm" ] || die "the runtime blob is missing: $wasm"
# Paths relative to the repository, so that the command recorded in each weights file does not
# depend on where the repository is checked out.
cd "$ROOT"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# `bench_pallet PALLET ARGS…`: benchmark every extrinsic of PALLET on the runtime blob.
bench_pallet() {
	local pallet="$1"
	shift
	say "Benchmarking $pallet: $STEPS steps, $REPEAT repeats"
	"$bin" benchmark pallet \
		--runtime "$wasm" \
		--genesis-builder runtime \
		--pallet "$pallet" \
		--extrinsic '*' \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		"$@"
}

for pallet in "${selected[@]}"; do
	case "$pallet" in
	overhead)
		say "Benchmarking the block and extrinsic base weights"
		"$bin" benchmark overhead \
			--chain dev \
			--base-path "$scratch/overhead" \
			--wasm-execution compiled \
			--weight-path runtime/src/weights
		continue
		;;
	storage)
		say "Benchmarking ParityDB reads and writes on the dev chain's state"
		"$bin" benchmark storage \
			--chain dev \
			--base-path "$scratch/storage" \
			--database paritydb \
			--batch-size 1 \
			--state-version 1 \
			--weight-path runtime/src/weights
		continue
		;;
	esac
	if [ -n "${RUNTIME_PALLETS[$pallet]:-}" ]; then
		bench_pallet "$pallet" --output "${RUNTIME_PALLETS[$pallet]}"
		continue
	fi
	folder="${PALLETS[$pallet]:-}"
	[ -n "$folder" ] || die "unknown benchmark '$pallet' (known: ${!PALLETS[*]} \
${!RUNTIME_PALLETS[*]} overhead storage)"
	# `scaling_*` benchmarks feed the scaling report (scaling.sh), not the weights.
	excluded="$("$bin" benchmark pallet --runtime "$wasm" --genesis-builder runtime \
		--pallet "$pallet" --extrinsic '*' --list 2>/dev/null |
		awk -F', ' '$2 ~ /^scaling_/ { printf "%s%s::%s", sep, $1, $2; sep = "," }')"
	bench_pallet "$pallet" ${excluded:+--exclude-extrinsics "$excluded"} \
		--template benchmarks/weight-template.hbs \
		--output "$folder/src/weights.rs"
done
