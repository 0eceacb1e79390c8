#!/usr/bin/env bash
# Install what building and testing need and a fresh Debian/Ubuntu machine lacks:
# - Debian packages: clang and libclang (bindgen), protobuf-compiler (libp2p), cmake, mold
#   (linker, see .cargo/config.toml), pkg-config, libssl-dev;
# - the rustup target wasm32v1-none and the rust-src component (the runtime's wasm; also named
#   in rust-toolchain.toml, which rustup honours on its own);
# - chromium (Debian's), which the dashboard's end-to-end test drives headless;
# - the end-to-end tests' and the dashboard's npm packages (from their package-lock.json).
# Safe to run again: it installs only what is missing.
source "$(dirname "$0")/common.sh"

need_cmd cargo "Install a stable Rust toolchain with rustup: https://rustup.rs"
need_cmd rustup "This project adds a wasm target with rustup: https://rustup.rs"

APT_PACKAGES=(clang libclang-dev protobuf-compiler cmake mold pkg-config libssl-dev)
# The browser of the dashboard's test; `scripts/run-dev.sh` (SETUP_SKIP_BROWSER=1) needs none.
[ "${SETUP_SKIP_BROWSER:-0}" = 1 ] || APT_PACKAGES+=(chromium)
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
	# Checked before any long build: the end-to-end tests run last, and Vite (the dashboard's
	# build) needs Node.js 20.19.
	need_cmd node "Install Node.js 20.19 or newer (with npm) for the end-to-end tests and the dashboard."
	need_cmd npm "Install Node.js 20.19 or newer (with npm) for the end-to-end tests and the dashboard."
	node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
		|| die "Node.js $(node --version) is too old: the end-to-end tests and the dashboard need 20.19 or newer."
	for dir in tests/e2e dashboard; do
		if [ ! -d "$ROOT/$dir/node_modules" ] \
			|| [ "$ROOT/$dir/package-lock.json" -nt "$ROOT/$dir/node_modules" ]; then
			say "Installing the npm packages of $dir"
			# puppeteer-core downloads no browser; the variable keeps it that way.
			(cd "$ROOT/$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
		fi
	done
fi
