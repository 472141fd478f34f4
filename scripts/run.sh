#!/usr/bin/env bash
# The main job on a fresh machine: build keel (release) and decode a real batcher transaction
# from the shared vectors into JSON, then expand its span batch into OP Mainnet L2 blocks.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keel-target}"
vectors="${KEEL_VECTORS:-../shared/vectors}"

cargo build --release --locked -p keel-node
keel="$CARGO_TARGET_DIR/release/keel"
"$keel" inspect tx "$vectors/batcher/op-mainnet-span-27blocks.tx.bin" --network op-mainnet --pretty
