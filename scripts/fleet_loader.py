#!/usr/bin/env python3
"""Trunk post_build hook (before csp.py): give the page its `imecertLoadFleet()`.

The fleet view is a second wasm module (`src/bin/fleet-view.rs`, built by Trunk as a "worker"
app: its files are staged but nothing loads them). The page loads it on its first fleet file by
calling `window.imecertLoadFleet()`, which this script defines in a small inline module script:
an `import()` of the module's glue and its init with the wasm's URL. Trunk does not put content
hashes in a worker app's file names, so this script does (a redeployed page must not meet a
cached module of another build) and writes the loader with those names; csp.py then allows the
script by its hash like Trunk's own loader. The offline copy replaces this script with the glue
and the wasm inside the page (offline.py).

Usage: run by Trunk with TRUNK_STAGING_DIR set, or `fleet_loader.py DIR` by hand.
"""

import hashlib
import os
import re
import sys

# The element offline.py finds again: `<script type="module" id="fleet-loader">`.
SCRIPT_ID = "fleet-loader"
# As Trunk stages them, and as this script names them.
STAGED_GLUE = "fleet-view.js"
STAGED_WASM = "fleet-view_bg.wasm"


class HookError(Exception):
    """The staged files do not look as this script expects (a Trunk or wasm-bindgen change)."""


def hash_names(staging: str) -> tuple[str, str]:
    """Renames the staged glue and wasm to names with their content hash; returns the names."""
    glue_path = os.path.join(staging, STAGED_GLUE)
    wasm_path = os.path.join(staging, STAGED_WASM)
    if not (os.path.isfile(glue_path) and os.path.isfile(wasm_path)):
        raise HookError(f"no {STAGED_GLUE} and {STAGED_WASM} in {staging}")
    digest = hashlib.sha256()
    for path in (glue_path, wasm_path):
        with open(path, "rb") as f:
            digest.update(f.read())
    stem = "fleet-view-" + digest.hexdigest()[:16]
    glue, wasm = stem + ".js", stem + "_bg.wasm"
    os.replace(glue_path, os.path.join(staging, glue))
    os.replace(wasm_path, os.path.join(staging, wasm))
    return glue, wasm


def loader_script(glue: str, wasm: str) -> str:
    """The inline module script: loads the module once (again after a failure) and resolves
    to its exports."""
    return (
        f'<script type="module" id="{SCRIPT_ID}">'
        "let loading;"
        "window.imecertLoadFleet = () => loading ??= "
        f"import('./{glue}')"
        f".then(async (m) => {{ await m.default({{ module_or_path: './{wasm}' }}); return m; }})"
        ".catch((e) => { loading = undefined; throw e; });"
        "</script>"
    )


def main() -> int:
    staging = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("fleet_loader.py: TRUNK_STAGING_DIR is not set and no directory was given",
              file=sys.stderr)
        return 2
    path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    try:
        if f'id="{SCRIPT_ID}"' in html:
            raise HookError(f"{path} already has a fleet loader")
        if html.count("</head>") != 1:
            raise HookError(f"{path} has no single </head>")
        glue, wasm = hash_names(staging)
    except HookError as error:
        print(f"fleet_loader.py: {error}", file=sys.stderr)
        return 1
    html = html.replace("</head>", loader_script(glue, wasm) + "\n</head>", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"fleet_loader.py: the page loads {glue} on its first fleet file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
