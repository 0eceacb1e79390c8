#!/usr/bin/env bash
# Install what building and testing need and a fresh Debian/Ubuntu machine lacks:
# - Debian packages: clang and libclang (bindgen), protobuf-compiler (libp2p), cmake, mold
#   (linker, see .cargo/config.toml), pkg-config, libssl-dev;
# - the rustup target wasm32v1-none and the rust-src component (the runtime's wasm; also named
#   in rust-toolchain.toml, which rustup honours on its own);
# - the end-to-end tests' npm packages (from tests/e2e/package-lock.json).
# Safe to run again: it installs only what is missing.
source "$(dirname "$0")/common.sh"

need_cmd cargo "Install a stable Rust toolchain with rustup: https://rustup.rs"
need_cmd rustup "This project adds a wasm target with rustup: https://rustup.rs"

APT_PACKAGES=(clang libclang-dev protobuf-compiler cmake mold pkg-config libssl-dev)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
		|| missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	need_cmd apt-get "Install these packages with your system's package manager: ${missing[*]}"
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		need_cmd sudo "Run as root, or install: ${missing[*]}"
		SUDO="sudo"
	fi
	say "Installing Debian packages: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The runtime builds for wasm32v1-none (the target the wasm builder prefers on Rust ≥ 1.84).
if ! rustup target list --installed | grep -qx wasm32v1-none; then
	say "Adding the rustup target wasm32v1-none"
	rustup target add wasm32v1-none
fi
if ! rustup component list --installed | grep -q '^rust-src'; then
	say "Adding the rustup component rust-src"
	rustup component add rust-src
fi

if [ "${SETUP_SKIP_NPM:-0}" != 1 ]; then
	# Checked before any long build: the end-to-end tests run last and need Node.js 20.
	need_cmd node "Install Node.js 20 or newer (with npm) for the end-to-end tests."
	need_cmd npm "Install Node.js 20 or newer (with npm) for the end-to-end tests."
	node_major="$(node -p 'process.versions.node.split(".")[0]')"
	[ "$node_major" -ge 20 ] \
		|| die "Node.js $(node --version) is too old: the end-to-end tests need Node.js 20 or newer."
	if [ ! -d "$ROOT/tests/e2e/node_modules" ] \
		|| [ "$ROOT/tests/e2e/package-lock.json" -nt "$ROOT/tests/e2e/node_modules" ]; then
		say "Installing the end-to-end tests' npm packages"
		(cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
	fi
fi
