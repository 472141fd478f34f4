#!/usr/bin/env bash
# The main job on a fresh machine: build keel (release) and derive the multi-fork test chain
# the project generated and committed (fixtures/multi-fork: Bedrock through Jovian, calldata and
# blobs, zlib and brotli, singular and span batches, deposits, SystemConfig updates). Payload
# attributes go to $KEEL_OUT (JSON lines); the run summary is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keel-target}"
out="${KEEL_OUT:-$CARGO_TARGET_DIR/multi-fork.attributes.jsonl}"

cargo build --release --locked -p keel-node
keel="$CARGO_TARGET_DIR/release/keel"
"$keel" derive \
    --rollup-config fixtures/multi-fork/rollup.json \
    --l1 fixtures/multi-fork/l1.json \
    --blob-schedule cancun-from-genesis \
    --out "$out"
echo "payload attributes: $out ($(wc -l < "$out") JSON lines)"
