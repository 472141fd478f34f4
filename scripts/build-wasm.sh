#!/usr/bin/env bash
# Builds the browser bundle: keel-wasm for wasm32-unknown-unknown with the speed-optimised
# `wasm-release` profile, then `wasm-bindgen --target web` into www/pkg/ (gitignored), and
# reports the gzip size of the .wasm. Installs wasm-bindgen-cli at the crate's pinned version
# when the one on PATH is missing or different (the CLI and the crate must match exactly).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keel-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# The wasm-bindgen version the workspace pins (`wasm-bindgen = "=X.Y.Z"`).
version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' Cargo.toml)"
if [ -z "$version" ]; then
    echo "error: no pinned wasm-bindgen version in Cargo.toml" >&2
    exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
    cargo install wasm-bindgen-cli --version "$version" ||
        cargo install wasm-bindgen-cli --version "$version" --locked
fi

cargo build -p keel-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/keel_wasm.wasm"

rm -rf www/pkg
# Names are for debuggers; the page does not need them (they are a fifth of the bundle).
wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir www/pkg "$wasm"

raw="$(wc -c < www/pkg/keel_wasm_bg.wasm)"
gz="$(gzip -9 -c www/pkg/keel_wasm_bg.wasm | wc -c)"
echo "www/pkg/keel_wasm_bg.wasm: $raw bytes, $gz bytes gzip -9"
