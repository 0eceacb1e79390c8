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

# polkadot-omni-node, the node that runs a parachain runtime on its own (`--dev`), installed
# from crates.io into its own folder: a cold build takes long (see docs/parachain.md), and its
# lockfile and target directory are its own, so the workspace's cache stays valid.
OMNI_NODE_VERSION=0.24.0
OMNI_NODE_ROOT="${OMNI_NODE_ROOT:-$HOME/.cache/restaking-omni-node}"
OMNI_NODE_BIN="$OMNI_NODE_ROOT/bin/polkadot-omni-node"
# The parachain runtime's wasm blob, as `cargo build -p restaking-parachain-runtime` leaves it
# (a debug build does not compress it).
PARACHAIN_WASM="$CARGO_TARGET_DIR/debug/wbuild/restaking-parachain-runtime/restaking_parachain_runtime.wasm"
PARACHAIN_ID=2000

# True when the omni-node of OMNI_NODE_VERSION is installed (the crate's version, which cargo
# records; the binary reports the polkadot-sdk release's node version instead).
have_omni_node() {
	[ -x "$OMNI_NODE_BIN" ] \
		&& grep -q "polkadot-omni-node $OMNI_NODE_VERSION " "$OMNI_NODE_ROOT/.crates.toml" 2>/dev/null
}

# Install polkadot-omni-node OMNI_NODE_VERSION into OMNI_NODE_ROOT unless it is there: a debug
# build (a release build of the relay-chain client takes hours on two cores) without debug
# info, with the crates that compile the runtime's wasm at start-up optimized, as this
# workspace's own dev profile has them.
install_omni_node() {
	have_omni_node && return
	say "Installing polkadot-omni-node $OMNI_NODE_VERSION from crates.io into $OMNI_NODE_ROOT"
	say "(a cold build, once per machine: see docs/parachain.md for how long it took here)"
	local profile=(--config 'profile.dev.debug=false')
	for crate in cranelift-codegen cranelift-bforest cranelift-entity cranelift-frontend \
		regalloc2 wasmparser wasmtime-environ wasmtime-internal-cranelift; do
		profile+=(--config "profile.dev.package.$crate.opt-level=2")
	done
	# SKIP_WASM_BUILD: the relay chains' runtimes it embeds serve only to run a relay chain in
	# the same process, which `--dev` never does; building their wasm would double the build.
	(cd "$ROOT" && SKIP_WASM_BUILD=1 CARGO_TARGET_DIR="$OMNI_NODE_ROOT/target" cargo install \
		--locked --debug --root "$OMNI_NODE_ROOT" "${profile[@]}" \
		"polkadot-omni-node@$OMNI_NODE_VERSION")
}

# Build the parachain runtime (and so its wasm blob).
build_parachain_runtime() {
	say "Building the parachain runtime (cargo target dir: $CARGO_TARGET_DIR)"
	(cd "$ROOT" && cargo build --locked -p restaking-parachain-runtime)
}

# `parachain_spec FILE PRESET`: a chain spec of the parachain runtime's genesis preset PRESET
# (`development` or `local_testnet`) for a local relay chain, made by the omni-node's
# chain-spec-builder.
parachain_spec() {
	local file="$1" preset="$2"
	"$OMNI_NODE_BIN" chain-spec-builder --chain-spec-path "$file" create -t development \
		--chain-name "Restaking parachain ($preset)" --chain-id "restaking-parachain-$preset" \
		--relay-chain rococo-local --para-id "$PARACHAIN_ID" \
		--properties tokenSymbol=UNIT,tokenDecimals=12,ss58Format=42 \
		--runtime "$PARACHAIN_WASM" named-preset "$preset" >/dev/null
}
