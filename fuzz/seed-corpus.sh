#!/usr/bin/env bash
# Builds the starting corpus of every fuzz target from the test fixtures, into fuzz/seeds/<target>/
# (not committed). The committed fuzz/corpus/<target>/ is what `cargo fuzz cmin` kept of these
# seeds plus what the fuzzer found, so rerun this only to start a corpus afresh:
#
#   bash fuzz/seed-corpus.sh && cd fuzz && for t in $(cargo fuzz list); do
#     mkdir -p corpus/$t && cargo +nightly fuzz cmin $t seeds/$t -- -merge_control_file=/dev/null; done
set -euo pipefail
cd "$(dirname "$0")"
fx=../tests/fixtures
out=seeds
rm -rf "$out"
mkdir -p "$out"/{sniff,pem,x509,pkcs7,pkcs12,reg,bundle,log,pipeline,share}

copy() { # target files...
    local target=$1
    shift
    for f in "$@"; do cp "$f" "$out/$target/$(basename "$f")"; done
}

copy x509 "$fx"/certs/*.cer "$fx"/bad/*.cer "$fx"/bad/random.bin
copy pkcs7 "$fx"/formats/chain.p7b
copy pkcs12 "$fx"/pfx/*.pfx
copy pem "$fx"/formats/*.pem "$fx"/formats/*.txt "$fx"/formats/chain-pem.p7b \
    "$fx"/formats/m1-certutil.cer "$fx"/bad/not-a-cert.pem
printf -- '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' >"$out/pem/private-key.pem"
printf -- '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n' >"$out/pem/csr.pem"
printf -- '-----BEGIN CERTIFICATE----- MIIB -----END X509 CRL-----' >"$out/pem/one-line.pem"
copy reg "$fx"/reg/*.reg
# The same exports as UTF-8, which the fuzzer mutates more productively than UTF-16.
for f in "$fx"/reg/*.reg; do
    if head -c2 "$f" | od -An -tx1 | grep -q 'ff fe'; then
        iconv -f UTF-16 -t UTF-8 "$f" >"$out/reg/utf8-$(basename "$f")"
    fi
done
copy bundle "$fx"/bundles/*.json
copy log "$fx"/logs/*.log
copy sniff "$fx"/certs/m1.cer "$fx"/formats/chain.p7b "$fx"/formats/m1.pem \
    "$fx"/formats/m1-bare-base64.txt "$fx"/pfx/m1-aes256.pfx "$fx"/reg/meta-m1-2h.reg \
    "$fx"/reg/regedit4-ansi.reg "$fx"/reg/utf8-lf.reg "$fx"/bundles/not-a-bundle.json \
    "$fx"/logs/HealthScripts.log "$fx"/bad/empty.cer "$fx"/bad/random.bin
head -c 600 "$fx"/bundles/sample.json >"$out/sniff/bundle-head.json"

# Pipeline inputs: files joined with the separator the target splits on (see src/lib.rs).
join() { # output files...
    local output=$1
    shift
    python3 - "$output" "$@" <<'PY'
import sys
sep = b"\n--imecert-fuzz-next-file--\n"
out, files = sys.argv[1], sys.argv[2:]
open(out, "wb").write(sep.join(open(f, "rb").read() for f in files))
PY
}
p=$out/pipeline
join "$p/m1-full.bin" "$fx"/certs/m1.cer "$fx"/reg/full-m1.reg "$fx"/logs/IntuneManagementExtension.log
join "$p/m1-m2-meta.bin" "$fx"/certs/m1.cer "$fx"/certs/m2.cer "$fx"/reg/meta-m1-2h.reg "$fx"/reg/enr-m1.reg
join "$p/pfx-reg.bin" "$fx"/pfx/m1-aes256.pfx "$fx"/pfx/m2-legacy-3des.pfx "$fx"/reg/enr-m2.reg
join "$p/chain-pem.bin" "$fx"/formats/m1-m2-with-text.pem "$fx"/formats/chain.p7b "$fx"/certs/markup-subject.cer
join "$p/bundle.bin" "$fx"/bundles/sample.json
join "$p/bad.bin" "$fx"/bad/truncated.cer "$fx"/bad/not-a-cert.pem "$fx"/reg/garbage-middle.reg \
    "$fx"/bundles/bad-entries.json
join "$p/guids.bin" "$fx"/certs/guid-bare.cer "$fx"/certs/guid-longform.cer "$fx"/certs/guid-malformed.cer \
    "$fx"/certs/m3-account-b.cer "$fx"/certs/m7-device-mismatch.cer "$fx"/reg/meta-ticks.reg

# Share links of fixture sets, made by the CLI, and each link's inflated payload (the share target
# also reads its input as a payload; see src/lib.rs).
(cd .. && cargo build --quiet --bin imecert)
imecert=../target/debug/imecert
link() { # name imecert-arguments...
    local name=$1
    shift
    "$imecert" --format link --at 2026-11-24T10:00:00Z --password 'Passw0rd!' "$@" >"$out/share/$name.link" || true
    python3 - "$out/share/$name.link" "$out/share/$name.payload" <<'PY'
import base64, sys, zlib
text = open(sys.argv[1]).read().strip().split("=", 1)[1]
packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
open(sys.argv[2], "wb").write(zlib.decompress(packed, -15))
PY
}
link m1-m2 "$fx"/certs/m1.cer "$fx"/certs/m2.cer "$fx"/reg/full-m1.reg "$fx"/logs/IntuneManagementExtension.log
link m1-meta "$fx"/certs/m1.cer "$fx"/reg/meta-m1-2h.reg "$fx"/reg/enr-m1.reg --flighted b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d
link bundle "$fx"/bundles/sample.json
link redacted --redact "$fx"/certs/m0.cer "$fx"/certs/m3-account-b.cer "$fx"/certs/markup-subject.cer "$fx"/reg/enr-ref-user.reg
link guids "$fx"/certs/guid-bare.cer "$fx"/certs/guid-longform.cer "$fx"/certs/guid-malformed.cer --gateway any \
    --reject "$(python3 -c 'import hashlib,sys; print(hashlib.sha1(open(sys.argv[1],"rb").read()).hexdigest())' "$fx"/certs/guid-bare.cer)"
link empty "$fx"/bad/empty.cer
du -sh "$out"/*
