#!/usr/bin/env bash
# Runs every keel check and test on a fresh machine: installs what is missing, then lints,
# builds (native and wasm32), and tests. Used by CI (.ci/run) and by developers alike.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build cache outside the clone so repeated runs don't rebuild the world.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keel-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

step "anvil (local L1 for the keel record test)"
# npm's @foundry-rs/anvil ships the binary in a per-platform package; it is installed outside
# the clone, reused when the pinned version is already there, and run directly (not through
# the node wrapper) so the tests can stop it by pid.
anvil_version="1.7.1"
anvil_prefix="${KEEL_NPM_PREFIX:-$HOME/.cache/keel-npm}"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) anvil_platform=linux-amd64 ;;
    Linux-aarch64) anvil_platform=linux-arm64 ;;
    Darwin-arm64) anvil_platform=darwin-arm64 ;;
    Darwin-x86_64) anvil_platform=darwin-amd64 ;;
    *) echo "error: no anvil package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
export KEEL_ANVIL="$anvil_prefix/node_modules/@foundry-rs/anvil-$anvil_platform/bin/anvil"
if ! "$KEEL_ANVIL" --version 2>/dev/null | grep -q "Version: $anvil_version\b"; then
    command -v npm >/dev/null || { echo "error: npm is needed to install anvil" >&2; exit 1; }
    npm install --prefix "$anvil_prefix" --no-audit --no-fund "@foundry-rs/anvil@$anvil_version"
fi
"$KEEL_ANVIL" --version | head -n 1

vectors="${KEEL_VECTORS:-../shared/vectors}"
if [ ! -f "$vectors/README.md" ]; then
    echo "error: test vectors not found at $vectors (put ../shared beside the clone)" >&2
    exit 1
fi

step "format"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build keel-core for wasm32-unknown-unknown (no_std)"
cargo build -p keel-core --target wasm32-unknown-unknown --locked

step "build"
cargo build --workspace --locked

step "test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

step "browser test (www/ in Chromium, scripts/test-browser.sh)"
# Debian's Chromium, installed only when missing (needs root and apt); playwright-core and
# wasm-bindgen-cli are installed by the script itself only when missing.
if [ ! -x "${KEEL_CHROMIUM:-/usr/bin/chromium}" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
browser=0
bash scripts/test-browser.sh && browser=1

# One closing line with the totals over every test binary (unit, integration and doc tests)
# plus the browser test.
awk -v browser="$browser" '
    /^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
    END { p += browser; f += 1 - browser; printf "\n%d passed, %d failed\n", p, f; if (p == 0 || f > 0) exit 1 }' "$log"
