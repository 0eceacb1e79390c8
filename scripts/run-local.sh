#!/usr/bin/env bash
# Run a local network on `--chain local`: one node per validator, each with its own base path,
# ports and node key; the first node is every other node's bootnode.
#
#   scripts/run-local.sh           # the preset's four validators: Alice, Bob, Charlie, Ferdie
#   scripts/run-local.sh 3         # the first three (GRANDPA still finalizes: 3 of 4)
#   FRESH=1 scripts/run-local.sh   # forget the chain the nodes kept from an earlier run
#
# Node i (from 0) listens for peers on 127.0.0.1:$((30333 + i)), serves RPC on
# ws://127.0.0.1:$((RPC_PORT + i)) and Prometheus metrics on $((9615 + i)). Its database, node
# key and log are in $LOCAL_NET_DIR/<name> (default ~/.cache/restaking-local). GRANDPA needs 3
# of the 4 validators online to finalize; with 1 or 2 nodes, blocks are produced but not
# finalized. Ctrl-C stops every node.
source "$(dirname "$0")/common.sh"

VALIDATORS=(alice bob charlie ferdie)
P2P_BASE="${P2P_PORT:-30333}"
PROMETHEUS_BASE="${PROMETHEUS_PORT:-9615}"
NET_DIR="${LOCAL_NET_DIR:-$HOME/.cache/restaking-local}"

count="${1:-${#VALIDATORS[@]}}"
[[ "$count" =~ ^[1-9][0-9]*$ ]] && [ "$count" -le "${#VALIDATORS[@]}" ] ||
	die "the local network runs 1 to ${#VALIDATORS[@]} validators, not '$count'"
for ((i = 0; i < count; i++)); do
	for port in $((P2P_BASE + i)) $((RPC_PORT + i)) $((PROMETHEUS_BASE + i)); do
		if port_busy "$port"; then
			die "port $port is busy: another node (or program) listens there. Stop it, or move \
the network with P2P_PORT, RPC_PORT and PROMETHEUS_PORT."
		fi
	done
done

SETUP_SKIP_NPM=1 "$ROOT/scripts/setup.sh"
build_node

if [ "${FRESH:-0}" = 1 ]; then
	say "Removing the earlier chain in $NET_DIR"
	rm -rf "$NET_DIR"
fi
mkdir -p "$NET_DIR"

pids=()
stop_all() {
	trap - EXIT INT TERM
	if [ ${#pids[@]} -gt 0 ]; then
		say "Stopping ${#pids[@]} node(s)"
		kill -INT "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}
stopping=0
trap stop_all EXIT
trap 'stopping=1' INT TERM

bootnode=()
for ((i = 0; i < count; i++)); do
	name="${VALIDATORS[$i]}"
	dir="$NET_DIR/$name"
	mkdir -p "$dir"
	# A node key kept with the node, so its peer id (and the bootnode address) survive restarts.
	key="$dir/node-key"
	[ -f "$key" ] || "$NODE_BIN" key generate-node-key --file "$key" 2>/dev/null
	peer="$("$NODE_BIN" key inspect-node-key --file "$key")"
	p2p=$((P2P_BASE + i))
	command=(
		"$NODE_BIN" --chain local "--$name"
		--base-path "$dir"
		--node-key-file "$key"
		--listen-addr "/ip4/127.0.0.1/tcp/$p2p"
		--rpc-port $((RPC_PORT + i))
		--prometheus-port $((PROMETHEUS_BASE + i))
		--no-mdns
		"${bootnode[@]}"
	)
	say "Starting $name (log: $dir/node.log)"
	printf '   '
	printf ' %q' "${command[@]}"
	printf '\n'
	"${command[@]}" >"$dir/node.log" 2>&1 &
	pids+=($!)
	[ ${#bootnode[@]} -gt 0 ] || bootnode=(--bootnodes "/ip4/127.0.0.1/tcp/$p2p/p2p/$peer")
done

echo
for ((i = 0; i < count; i++)); do
	port=$((RPC_PORT + i))
	printf '%-8s ws://127.0.0.1:%s  https://polkadot.js.org/apps/?rpc=ws%%3A%%2F%%2F127.0.0.1%%3A%s\n' \
		"${VALIDATORS[$i]}" "$port" "$port"
done
[ "$count" -ge 3 ] || say "With $count of 4 validators GRANDPA does not finalize (it needs 3)."
say "Running. Ctrl-C stops every node."

# Wait for Ctrl-C; if a node stops by itself, say which and stop the others.
while [ "$stopping" = 0 ]; do
	for ((i = 0; i < ${#pids[@]}; i++)); do
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			# Ctrl-C reaches the nodes and this script together: not a failure.
			sleep 1
			[ "$stopping" = 0 ] || break 2
			die "${VALIDATORS[$i]} stopped; see $NET_DIR/${VALIDATORS[$i]}/node.log"
		fi
	done
	sleep 2
done
exit 130
