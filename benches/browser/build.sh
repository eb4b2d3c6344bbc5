#!/usr/bin/env bash
# Builds the browser benchmark's wasm (wasm/ → pkg/) and installs the npm packages it compares
# against. Needs the wasm32-unknown-unknown target and the wasm-bindgen CLI at the version the
# root Cargo.lock pins (scripts/install-web-tools.sh installs both).
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --target wasm32-unknown-unknown --manifest-path wasm/Cargo.toml
wasm-bindgen --target web --out-dir pkg --out-name bench \
  wasm/target/wasm32-unknown-unknown/release/imecert_bench_wasm.wasm
[ -d node_modules/pkijs ] || npm ci --no-audit --no-fund
