#!/usr/bin/env bash
# Run every check and test: formatting, clippy, the pallet and runtime tests, and the
# end-to-end tests against a real dev node (started and stopped by the tests themselves).
# This is what CI runs (.ci/run). Each stage prints how long it took.
source "$(dirname "$0")/common.sh"

stage() {
	local name="$1"; shift
	local start=$SECONDS
	say "$name"
	"$@"
	say "$name: done in $((SECONDS - start)) s"
}

"$ROOT/scripts/setup.sh"
cd "$ROOT"
# The end-to-end tests start some nodes on fixed ports; check now, not after the build, that
# they are free: the parachain's node on E2E_PARA_RPC_PORT, and the four nodes of the network
# tests on RPC ports from E2E_NET_RPC_PORT and p2p ports from E2E_NET_P2P_PORT. (Dev nodes take
# free ports the system chooses, so the test files can run side by side.)
E2E_PARA_RPC_PORT="${E2E_PARA_RPC_PORT:-9957}"
E2E_NET_RPC_PORT="${E2E_NET_RPC_PORT:-9960}"
E2E_NET_P2P_PORT="${E2E_NET_P2P_PORT:-30560}"
! port_busy "$E2E_PARA_RPC_PORT" || die "port $E2E_PARA_RPC_PORT (E2E_PARA_RPC_PORT) is busy: \
stop what listens there or choose another."
for ((i = 0; i < 4; i++)); do
	for port in $((E2E_NET_RPC_PORT + i)) $((E2E_NET_P2P_PORT + i)); do
		! port_busy "$port" || die "port $port is busy: stop what listens there, or move the \
network tests with E2E_NET_RPC_PORT and E2E_NET_P2P_PORT."
	done
done
export E2E_PARA_RPC_PORT E2E_NET_RPC_PORT E2E_NET_P2P_PORT

stage "cargo fmt --check" cargo fmt --all -- --check
# Lints do not need the runtime's wasm blob.
stage "cargo clippy" env SKIP_WASM_BUILD=1 \
	cargo clippy --locked --workspace --all-targets -- -D warnings
# Documentation: every intra-doc link resolves (each crate denies broken ones) and rustdoc has
# nothing to warn about, private items included; the examples it embeds are unit tests.
stage "cargo doc" env SKIP_WASM_BUILD=1 RUSTDOCFLAGS="-D warnings" \
	cargo doc --locked --workspace --no-deps --document-private-items
# The pallets whose benchmarks run in their mocks, and the runtime's own comparison benchmark
# (nomination pools' `apply_slash`), which runs on the default genesis.
PALLETS=(-p pallet-restaking -p pallet-slashing -p pallet-insurance -p pallet-liquid-restaking)
BENCHMARKED=("${PALLETS[@]}" -p restaking-runtime)
# The node's `benchmark` subcommands (and the transactions `overhead` signs) are compiled only
# with the feature, so it is linted with the benchmarked crates, in the same feature set; so is
# the parachain runtime, whose benchmarks run on pallet-staking-async.
stage "cargo clippy (benchmarks)" env SKIP_WASM_BUILD=1 \
	cargo clippy --locked "${BENCHMARKED[@]}" -p restaking-node -p restaking-parachain-runtime \
	--all-targets --features runtime-benchmarks -- -D warnings
# Benchmarks run once, in the mock, so they cannot rot (weights come from benchmarks/run.sh).
# They are unit tests (`--lib`): the runtime's integration tests are not built with the feature.
stage "Benchmarks in test mode" env SKIP_WASM_BUILD=1 \
	cargo test --locked "${BENCHMARKED[@]}" --lib --features runtime-benchmarks benchmark
# The pallets' unit, property and benchmark tests again, their mocks on pallet-staking-async.
# The same packages and features as the stage above but for the mocks' backend, so only the
# test support crate and the pallets' test builds are compiled again; `--lib` keeps to those
# tests (and the runtime's benchmark), which is where all the pallets' tests are. The property
# tests run a quarter of their cases here: what they test is the pallets' own accounting, which
# the full runs on pallet-staking cover; here they check it on the other base layer.
stage "Pallet tests on pallet-staking-async" env SKIP_WASM_BUILD=1 PROPTEST_CASES_PERCENT=25 \
	cargo test --locked "${BENCHMARKED[@]}" --lib \
	--features runtime-benchmarks,restaking-test-support/staking-async
# Storage migrations: the node and runtime compile with `try-runtime`, and a runtime upgrade on
# a populated chain runs every migration's checks and every pallet's `try_state`.
stage "cargo clippy (try-runtime)" env SKIP_WASM_BUILD=1 \
	cargo clippy --locked -p restaking-node -p restaking-runtime -p restaking-parachain-runtime \
	--all-targets --features try-runtime -- -D warnings
stage "Runtime upgrade test (try-runtime)" env SKIP_WASM_BUILD=1 \
	cargo test --locked -p restaking-runtime --features try-runtime --test upgrade
stage "Build the node" build_node
# Every crate's tests; the pallets' on pallet-staking (the mocks' default), both runtimes' with
# their wasm blobs built. Built first, run below: the build makes the parachain runtime's blob,
# which the end-to-end tests' parachain chain spec needs.
stage "Build the Rust tests" cargo test --locked --workspace --no-run
# The parachain smoke test runs on polkadot-omni-node, which only a machine that built it has:
# its cold build does not fit CI's budget (docs/parachain.md). Without it, the test says loudly
# that it is skipped.
if have_omni_node; then
	PARACHAIN_SPEC="$(mktemp -d)/restaking-parachain-dev.json"
	stage "Parachain chain spec (polkadot-omni-node $OMNI_NODE_VERSION)" \
		parachain_spec "$PARACHAIN_SPEC" development
	export PARACHAIN_SPEC OMNI_NODE_BIN
else
	say "SKIPPING the parachain smoke test: polkadot-omni-node $OMNI_NODE_VERSION is not at \
$OMNI_NODE_BIN (scripts/run-parachain-dev.sh installs it)"
fi
# The dashboard's static build, which its end-to-end test serves to headless Chromium.
stage "Build the dashboard" npm --prefix dashboard run build --silent
# The end-to-end tests and the Rust tests run side by side: the former mostly wait for blocks,
# the latter (the adversarial sweep, the property tests) are CPU-bound and take the cores the
# chains leave idle. They run at a lower priority, which favours the chains only where the
# kernel does not group processes by session (autogroup shares the cores equally between the
# two sessions; decision 57 has what that costs). The end-to-end run is its own process group
# (setsid; a job of a non-interactive shell never leads a group, so setsid does not fork and
# `$!` is the group's id), which the EXIT trap ends, with its nodes, if this script stops
# early, and then shows the end of its output. Its output is printed when it ends.
E2E_LOG="$(mktemp)"
say "End-to-end tests: started in the background (output in $E2E_LOG, printed when they end)"
e2e_start=$SECONDS
setsid env NODE_BIN="$NODE_BIN" npm --prefix tests/e2e test >"$E2E_LOG" 2>&1 &
E2E_PID=$!
trap 'kill -- -"$E2E_PID" 2>/dev/null || true
say "End-to-end tests stopped; the last of their output ($E2E_LOG):"
tail -n 100 "$E2E_LOG"' EXIT
stage "Rust tests (pallets, runtimes)" nice -n 10 cargo test --locked --workspace
say "Waiting for the end-to-end tests"
e2e_status=0
wait "$E2E_PID" || e2e_status=$?
trap - EXIT
cat "$E2E_LOG"
rm -f "$E2E_LOG"
[ -z "${PARACHAIN_SPEC:-}" ] || rm -rf "$(dirname "$PARACHAIN_SPEC")"
[ "$e2e_status" -eq 0 ] || die "the end-to-end tests failed (exit status $e2e_status)"
say "End-to-end tests: done in $((SECONDS - e2e_start)) s (beside the Rust tests)"
