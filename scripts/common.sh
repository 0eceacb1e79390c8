# Shared settings for the scripts in this folder. Source it; do not run it.
#
# - CARGO_TARGET_DIR defaults to a cache outside the work tree, so a fresh clone (and CI)
#   reuses earlier builds. Set it yourself to build elsewhere.
# - RPC_PORT is the port the dev chain serves RPC on (9944, where polkadot-js apps looks).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/restaking-target}"
export RPC_PORT="${RPC_PORT:-9944}"
NODE_BIN="$CARGO_TARGET_DIR/debug/restaking-node"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# `need_cmd tool hint`: fail with the hint when a tool is missing.
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed. $2"; }

# True when something listens on the TCP port.
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && { exec 3>&- 3<&- || true; return 0; }
	return 1
}

# Build the node (and with it the runtime's wasm blob).
build_node() {
	say "Building the node (cargo target dir: $CARGO_TARGET_DIR)"
	(cd "$ROOT" && cargo build --locked -p restaking-node)
}

# `build_bench_node PROFILE`: build the node with `runtime-benchmarks` in its own target
# directory ($BENCH_TARGET_DIR, default ~/.cache/restaking-target-bench), so the everyday build
# cache stays valid; print the binary's path.
build_bench_node() {
	local profile="$1" dir="${BENCH_TARGET_DIR:-$HOME/.cache/restaking-target-bench}"
	say "Building the node with runtime-benchmarks ($profile, target dir: $dir)" >&2
	# `|| return`: a command substitution does not inherit `set -e`, and a failed build must not
	# hand the caller the path of a stale binary.
	(cd "$ROOT" && CARGO_TARGET_DIR="$dir" cargo build --locked --profile "$profile" \
		-p restaking-node --features runtime-benchmarks >&2) || return
	echo "$dir/$([ "$profile" = dev ] && echo debug || echo "$profile")/restaking-node"
}
