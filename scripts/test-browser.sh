#!/usr/bin/env bash
# Browser test of the www/ page (issue 5): builds the wasm bundle, derives the multi-fork
# fixture natively (keel-core's OfflineDeriver, the `native_derive` example, release build),
# gets `keel inspect` reports of real batcher vectors, then drives Debian's Chromium headless
# with playwright-core (no browser download): the page must derive the same attributes hashes
# and its inspect box must print the same JSON. Then live mode: a local anvil L1 (from
# $KEEL_ANVIL or ~/.cache/keel-npm, installed by scripts/test.sh) on a free loopback port gets the
# test rollup's calldata and blob batches and a deposit (host-native/examples/populate_anvil.rs),
# `keel record` + `keel derive` derive it natively, and the page must derive the same attributes
# reading anvil over fetch. Screenshots and bench.json go to $KEEL_ARTIFACTS (default
# www/test-artifacts). anvil is stopped at the end.
#
# Needs /usr/bin/chromium (Debian: apt-get install -y chromium) and npm; playwright-core is
# installed outside the clone at the pinned version, and reused when already there.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keel-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf '\n==> %s\n' "$*"; }

chromium="${KEEL_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
    echo "error: $chromium not found (Debian: apt-get update && apt-get install -y chromium)" >&2
    exit 1
fi
export KEEL_CHROMIUM="$chromium"

step "playwright-core"
playwright_version="1.65.1"
npm_prefix="${KEEL_NPM_PREFIX:-$HOME/.cache/keel-npm}"
export KEEL_PLAYWRIGHT="$npm_prefix/node_modules/playwright-core"
if ! grep -q "\"version\": \"$playwright_version\"" "$KEEL_PLAYWRIGHT/package.json" 2>/dev/null; then
    command -v npm >/dev/null || { echo "error: npm is needed to install playwright-core" >&2; exit 1; }
    npm install --prefix "$npm_prefix" --no-audit --no-fund "playwright-core@$playwright_version"
fi

step "wasm bundle"
bash scripts/build-wasm.sh
KEEL_WASM_GZIP="$(gzip -9 -c www/pkg/keel_wasm_bg.wasm | wc -c)"
export KEEL_WASM_GZIP

vectors="${KEEL_VECTORS:-../shared/vectors}"
artifacts="${KEEL_ARTIFACTS:-www/test-artifacts}"
mkdir -p "$artifacts"
work="$(mktemp -d)"
anvil_pid=""
cleanup() {
    if [ -n "$anvil_pid" ]; then kill "$anvil_pid" 2>/dev/null || true; wait "$anvil_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

step "native derivation (release)"
rollup=fixtures/multi-fork/rollup.json
l1=fixtures/multi-fork/l1.json
cargo run --release --locked -q -p keel-wasm --example native_derive -- \
    "$rollup" "$l1" cancun-from-genesis > "$work/native.json"
export KEEL_NATIVE="$work/native.json"

step "keel inspect reports of the batcher vectors"
cargo build --locked -q -p keel-node
keel="$CARGO_TARGET_DIR/debug/keel"
cases=(
    "tx op-mainnet batcher/op-mainnet-span-27blocks.tx.bin"
    "calldata op-sepolia batcher/op-sepolia-span-84blocks.calldata.hex"
    "calldata op-mainnet batcher/op-mainnet-singular-34batches.calldata.hex"
    "channel op-mainnet batcher/op-mainnet-span-143blocks.channel.hex"
    "blob op-sepolia batcher/op-sepolia-blob9.blob.hex"
)
{
    echo "["
    sep=""
    for c in "${cases[@]}"; do
        read -r kind network rel <<< "$c"
        file="$vectors/$rel"
        [ -f "$file" ] || { echo "error: missing vector $file" >&2; exit 1; }
        expected="$("$keel" inspect "$kind" "$file" --network "$network")"
        # The page gets hex text: raw files are hex-encoded, hex files passed as they are.
        case "$rel" in
            *.hex) input="$(tr -d '\n' < "$file")" ;;
            *) input="0x$(od -An -v -tx1 "$file" | tr -d ' \n')" ;;
        esac
        printf '%s{"name":"%s","kind":"%s","network":"%s","input":"%s","expected":%s}\n' \
            "$sep" "$rel" "$kind" "$network" "$input" "$(printf '%s' "$expected" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(s)))')"
        sep=","
    done
    echo "]"
} > "$work/inspect.json"
export KEEL_INSPECT="$work/inspect.json"

step "live L1: anvil with the test rollup, keel record + keel derive"
anvil_bin="${KEEL_ANVIL:-$npm_prefix/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}"
if [ ! -x "$anvil_bin" ]; then
    echo "error: anvil not found at $anvil_bin (scripts/test.sh installs it; or set KEEL_ANVIL)" >&2
    exit 1
fi
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
anvil_url="http://127.0.0.1:$port"
# CORS is on by default in anvil; 12-second blocks from this genesis time make slot = number.
"$anvil_bin" --host 127.0.0.1 --port "$port" --no-mining --silent --timestamp 1700000000 \
    < /dev/null > "$work/anvil.log" 2>&1 &
anvil_pid=$!
cargo run --locked -q -p keel-node --example populate_anvil -- "$anvil_url" "$work/anvil-rollup.json"
"$keel" record --l1-rpc "$anvil_url" --l1-beacon "$anvil_url" --from 1 --to 4 --out "$work/anvil-l1.json"
"$keel" derive --blob-update-fraction 8346193 --rollup-config "$work/anvil-rollup.json" \
    --l1 "$work/anvil-l1.json" > "$work/anvil-derive.jsonl"
cargo run --release --locked -q -p keel-wasm --example native_derive -- \
    "$work/anvil-rollup.json" "$work/anvil-l1.json" cancun-from-genesis > "$work/anvil-native.json"
export KEEL_ANVIL_URL="$anvil_url"
export KEEL_ANVIL_ROLLUP="$work/anvil-rollup.json"
export KEEL_ANVIL_DERIVE="$work/anvil-derive.jsonl"
export KEEL_ANVIL_NATIVE="$work/anvil-native.json"

step "browser"
export KEEL_ARTIFACTS="$artifacts"
node www/test/browser-test.mjs
