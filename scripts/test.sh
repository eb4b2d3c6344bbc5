#!/usr/bin/env bash
# Installs what a fresh machine lacks, then runs every check and test: formatting, lints (native
# and wasm32), unit + integration tests, the wasm32 build of the core, and the browser tests.
# Safe to rerun: every install step is skipped when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: this project needs the Rust toolchain (rustup, Rust 1.95+)." >&2
  exit 1
fi

step "Rust target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

step "collector script: static checks (tree-sitter-powershell; no PowerShell runs here)"
if ! python3 - <<'PY' >/dev/null 2>&1
from importlib.metadata import version
assert version("tree-sitter") == "0.26.1" and version("tree-sitter-powershell") == "0.26.4"
PY
then
  python3 -m pip install --quiet "tree-sitter==0.26.1" "tree-sitter-powershell==0.26.4"
fi
python3 scripts/check-collector.py
python3 scripts/test_check_collector.py

step "build hooks: the offline copy's glue handling (scripts/test_offline.py)"
python3 scripts/test_offline.py

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo clippy (wasm32: core library and the web app)"
cargo clippy --lib --bins --target wasm32-unknown-unknown --locked -- -D warnings

step "cargo test (unit, integration, doc tests)"
cargo test --locked

if [ -f .ci/fuzz-build.sh ]; then
  step "fuzz targets build (only where a nightly toolchain is installed)"
  bash .ci/fuzz-build.sh
fi

if [ -f .ci/web.sh ]; then
  step "browser: build the web app, wasm tests, end-to-end tests"
  bash .ci/web.sh
fi

step "all checks passed"
