#!/usr/bin/env python3
"""Trunk post_build hook: allow Trunk's inline loader script in the page's CSP by its hash.

Trunk writes a small inline <script type="module"> that imports the wasm-bindgen glue and starts
the app. A Content-Security-Policy without 'unsafe-inline' blocks it unless the policy lists the
SHA-256 of its exact text. The hash changes whenever the file names change (they carry content
hashes), so it is computed here, after every build, on the staged index.html, and written over the
placeholder __TRUNK_LOADER_HASH__ in the CSP meta tag.

Usage: run by Trunk with TRUNK_STAGING_DIR set, or `csp.py path/to/index.html` by hand.
"""

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "__TRUNK_LOADER_HASH__"
# An inline script: a <script> start tag without a src attribute, and its text.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def csp_sources(html: str) -> list[str]:
    """The CSP source expression of each inline script, in page order, without repeats."""
    sources = []
    for match in INLINE_SCRIPT.finditer(html):
        digest = hashlib.sha256(match.group(1).encode("utf-8")).digest()
        source = "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
        if source not in sources:
            sources.append(source)
    return sources


def main() -> int:
    if len(sys.argv) > 1:
        path = sys.argv[1]
    else:
        staging = os.environ.get("TRUNK_STAGING_DIR")
        if not staging:
            print("csp.py: TRUNK_STAGING_DIR is not set and no file was given", file=sys.stderr)
            return 2
        path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    if PLACEHOLDER not in html:
        print(f"csp.py: {path} has no {PLACEHOLDER} placeholder in its CSP", file=sys.stderr)
        return 1
    sources = csp_sources(html)
    if not sources:
        print(f"csp.py: {path} has no inline script; nothing to allow", file=sys.stderr)
    html = html.replace(PLACEHOLDER, " ".join(sources))
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"csp.py: allowed {len(sources)} inline script(s) by hash in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
