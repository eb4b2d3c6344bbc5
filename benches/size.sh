#!/usr/bin/env bash
# What the page downloads: every .wasm and .js of a release dist/, raw and gzipped (-9), summed
# for what the page loads (web-*) and for the fleet view's module it fetches on the first fleet
# drop (fleet-view-*), as built and after `wasm-opt -Oz` (npm binaryen from benches/browser), and where
# the wasm bytes go per crate (twiggy, when installed: `cargo install twiggy`).
#
#   bash benches/size.sh DIST            # e.g. a `trunk build --release --dist /tmp/bench-dist`
#
# Build the dist away from the working tree so a concurrent build is not disturbed:
#   git worktree add --detach /tmp/bench-tree HEAD
#   (cd /tmp/bench-tree && CARGO_TARGET_DIR=/tmp/bench-tree-target trunk build --release --dist /tmp/bench-dist)
set -euo pipefail
dist="${1:?usage: bash benches/size.sh DIST}"
here="$(cd "$(dirname "$0")" && pwd)"
wasm_opt="$here/browser/node_modules/.bin/wasm-opt"
features=(--enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-multivalue --enable-mutable-globals)

gz() { gzip -9 -c "$1" | wc -c; }
printf '%-44s %10s %10s\n' file raw gzip-9
shopt -s nullglob
for part in web fleet-view; do
  total_raw=0
  total_gz=0
  for f in "$dist"/"$part"-*.wasm "$dist"/"$part"-*.js; do
    raw=$(wc -c <"$f")
    zipped=$(gz "$f")
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + zipped))
    printf '%-44s %10d %10d\n' "$(basename "$f")" "$raw" "$zipped"
  done
  printf '%-44s %10d %10d\n' "$part: wasm + js, as built" "$total_raw" "$total_gz"
done

if [ -x "$wasm_opt" ]; then
  opt_raw=0
  opt_gz=0
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for f in "$dist"/*.wasm; do
    "$wasm_opt" -Oz "${features[@]}" "$f" -o "$tmp/oz.wasm"
    "$wasm_opt" --strip-debug "${features[@]}" "$f" -o "$tmp/stripped.wasm"
    printf '%-44s %10d %10d\n' "$(basename "$f") names stripped only" \
      "$(wc -c <"$tmp/stripped.wasm")" "$(gz "$tmp/stripped.wasm")"
    printf '%-44s %10d %10d\n' "$(basename "$f") wasm-opt -Oz" \
      "$(wc -c <"$tmp/oz.wasm")" "$(gz "$tmp/oz.wasm")"
    opt_raw=$((opt_raw + $(wc -c <"$tmp/oz.wasm")))
    opt_gz=$((opt_gz + $(gz "$tmp/oz.wasm")))
  done
  for f in "$dist"/*.js; do
    opt_raw=$((opt_raw + $(wc -c <"$f")))
    opt_gz=$((opt_gz + $(gz "$f")))
  done
  printf '%-44s %10d %10d\n' 'all wasm + js, wasm-opt -Oz' "$opt_raw" "$opt_gz"
else
  echo "(no wasm-opt: run npm ci in benches/browser for the -Oz figures)"
fi

if command -v twiggy >/dev/null 2>&1; then
  for f in "$dist"/*.wasm; do
    echo
    echo "where the bytes of $(basename "$f") go (twiggy, shallow bytes per crate):"
    twiggy top -n 1000000 --format csv "$f" | python3 -c '
import csv, collections, re, sys
sizes = collections.Counter()
for row in csv.DictReader(sys.stdin):
    name, size = row["Name"].strip(), int(row["ShallowSize"])
    if "function names" in name:
        key = "(name section: function names)"
    elif name.startswith("data[") or ".rodata" in name or name.startswith("\"data"):
        key = "(data segments: strings, tables)"
    else:
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name.lstrip("<&*( ").replace("dyn ", "").replace("mut ", ""))
        key = m.group(1) if m else "(unnamed functions, sections, runtime)"
    sizes[key] += size
total = sum(sizes.values())
for key, size in sizes.most_common(16):
    print(f"{size:10d} {100 * size / total:5.1f}%  {key}")
'
  done
else
  echo "(no twiggy: cargo install twiggy for the per-crate split)"
fi
