#!/usr/bin/env bash
# Shrinks fuzz/corpus/<target>/ before committing: keeps only inputs that reach code the test
# fixtures do not (tests/run_all_fuzz_files.rs replays the fixtures anyway), smallest first, up to
# a byte budget per target (BUDGET_BYTES, default 180000; the whole committed corpus stays near
# 2 MB). Fuzzing locally grows a corpus of megabytes; this is what is worth keeping in git.
#
#   bash fuzz/seed-corpus.sh && bash fuzz/minimise-corpus.sh [target...]
#
# Needs nightly and cargo-fuzz. Crash files in artifacts/ are never touched.
set -euo pipefail
cd "$(dirname "$0")"
budget=${BUDGET_BYTES:-180000}
targets=${*:-$(cargo +nightly fuzz list)}
cargo +nightly fuzz build >/dev/null
bin_dir=target/x86_64-unknown-linux-gnu/release

for t in $targets; do
    work=$(mktemp -d)
    mkdir -p "$work/known" "$work/out" "corpus/$t"
    # The fixtures, exactly as the replay test picks them, count as already covered.
    find ../tests/fixtures -type f ! -name '*.py' ! -name '*.md' ! -name .gitattributes \
        ! -name manifest.json | while read -r f; do
        cp "$f" "$work/known/fixture-$(echo "$f" | tr '/' '_')"
    done
    cp "$work"/known/* "$work/out/"
    extra=()
    [ -d "seeds/$t" ] && extra+=("seeds/$t")
    "$bin_dir/$t" -merge=1 -rss_limit_mb=2048 -timeout=10 "$work/out" "corpus/$t" "${extra[@]}" \
        >"$work/merge.log" 2>&1
    rm -f "$work"/out/fixture-*
    rm -rf "corpus/$t"
    mkdir -p "corpus/$t"
    total=0
    kept=0
    # Smallest first: the merge already preferred small inputs for each new feature.
    while read -r size file; do
        if [ $((total + size)) -gt "$budget" ]; then
            break
        fi
        cp "$file" "corpus/$t/"
        total=$((total + size))
        kept=$((kept + 1))
    done < <(find "$work/out" -type f -printf '%s %p\n' | sort -n)
    echo "$t: $(find "$work/out" -type f | wc -l) inputs beyond the fixtures, kept $kept ($total bytes)"
    rm -rf "$work"
done
