#!/usr/bin/env bash
# Installs what is missing, builds the web app and serves it on http://127.0.0.1:8080/
# (PORT=… to change). Everything runs in the browser; the server only hands out static files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-web-tools.sh
export PATH="$HOME/.cargo/bin:$PATH"
PORT="${PORT:-8080}"
echo "serving the inspector on http://127.0.0.1:$PORT/ (Ctrl+C to stop)"
exec trunk serve --release --address 127.0.0.1 --port "$PORT"
