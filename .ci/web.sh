#!/usr/bin/env bash
# The browser part of CI (called by .ci/run through scripts/test.sh): installs what is missing and
# skips what is present, builds the web app with Trunk, runs the wasm-bindgen component tests in
# headless Chromium, then the Playwright end-to-end tests against the release dist/.
# Idempotent and quick when warm; needs no network but the package registries. Runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n--> %s\n' "$*"; }

TRUNK_VERSION=0.21.14
# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "web.sh: cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"

say "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "present"
else
  rustup target add wasm32-unknown-unknown
fi

say "trunk $TRUNK_VERSION"
if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
  echo "present"
else
  # trunk 0.22 needs a newer rustc than 1.95; 0.21.14 builds with --locked (about 11 minutes).
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

say "wasm-bindgen-cli $WASM_BINDGEN_VERSION (wasm-bindgen and wasm-bindgen-test-runner)"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
  && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  echo "present"
else
  # Without --locked: with it a locked dependency version is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

say "Chromium and ChromeDriver"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "present: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
else
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

say "Node.js and npm"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo "present: node $(node --version), npm $(npm --version)"
else
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm
fi

say "npm ci (e2e: playwright-core, @axe-core/playwright, mermaid)"
if [ -d e2e/node_modules/playwright-core ] && [ -d e2e/node_modules/@axe-core/playwright ] \
  && [ -d e2e/node_modules/mermaid ] \
  && [ e2e/node_modules/.package-lock.json -nt e2e/package-lock.json ]; then
  echo "present"
else
  (cd e2e && npm ci --no-audit --no-fund)
fi

say "cargo fetch (Trunk runs cargo with --offline: every crate must be local)"
cargo fetch --locked

say "trunk build --release (dist/)"
trunk build --release
echo "dist/ files:"
ls -l dist
python3 - <<'PY'
import gzip, pathlib
files = [p for p in pathlib.Path("dist").iterdir() if p.suffix in (".wasm", ".js")]
# The page loads web-*; the fleet view's module (fleet-view-*) only when a fleet is dropped.
for label, part in (
    ("page", [p for p in files if not p.name.startswith("fleet-view-")]),
    ("fleet view, on demand", [p for p in files if p.name.startswith("fleet-view-")]),
):
    raw = sum(p.stat().st_size for p in part)
    gz = sum(len(gzip.compress(p.read_bytes(), 9)) for p in part)
    print(f"wasm + js, {label}: {raw / 1024:.0f} KB raw, {gz / 1024:.0f} KB gzipped")
PY

say "wasm-bindgen-test in headless Chromium (the app's unit tests, then tests/web.rs and tests/web_pkcs12.rs)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=/usr/bin/chromedriver
cargo test --locked --target wasm32-unknown-unknown --lib app::
cargo test --locked --target wasm32-unknown-unknown --test web
cargo test --locked --target wasm32-unknown-unknown --test web_pkcs12

say "Playwright end-to-end tests (node --test)"
(cd e2e && node --test --test-concurrency=1 tests/*.test.mjs)
echo "screenshots: target/e2e/"
