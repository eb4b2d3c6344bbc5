#!/usr/bin/env python3
"""Trunk post_build hook: write dist/ime-cert-inspector-offline.html, the whole app in one file.

Admins on jump boxes often cannot run a web server, and a page opened from `file://` cannot fetch
its wasm (module scripts and fetch() from `file://` are blocked). This file needs neither: the
stylesheet is inline, the favicon a `data:` URL, the wasm-bindgen glue an inline module script,
and the wasm its base64 text in a non-executed `<script type="application/octet-stream">` that
the glue decodes and instantiates from bytes (`WebAssembly.instantiate`, allowed by
'wasm-unsafe-eval').

Its Content-Security-Policy is stricter than the served page's, in the same spirit: nothing from
the network at all (`default-src 'none'`, `connect-src 'none'`), the two inline scripts (the
app's glue, and the fleet view's, instantiated on the first fleet file) and the one inline
stylesheet allowed by their SHA-256 hashes, images only from `data:`/`blob:` (the PNG
export and the favicon). Built from the staged index.html after csp.py ran, so it follows the
page's markup; the names of the glue and wasm files are read from Trunk's loader script.

Usage: run by Trunk with TRUNK_STAGING_DIR set (after csp.py), or `offline.py DIR` by hand on a
built dist/ directory.
"""

import base64
import hashlib
import os
import re
import sys

from fleet_loader import SCRIPT_ID

OUTPUT = "ime-cert-inspector-offline.html"
# The collector script, which Trunk copies beside the page; the offline copy carries it inside
# (the app reads it from `#collector-script` for its copy and download buttons).
COLLECTOR = "collect-imecert.ps1"

# Trunk's loader: `import init, * as bindings from './web-….js';` and `module_or_path: './…wasm'`.
LOADER = re.compile(r"<script type=\"module\">(.*?)</script>", re.S)
GLUE_NAME = re.compile(r"from\s+'\./([^']+\.js)'")
WASM_NAME = re.compile(r"module_or_path:\s*'\./([^']+\.wasm)'")
STYLESHEET = re.compile(r"<link rel=\"stylesheet\" href=\"\./([^\"]+\.css)\"[^>]*/?>")
ICON = re.compile(r"<link rel=\"icon\" href=\"\./([^\"]+\.svg)\"[^>]*/?>")
PRELOADS = re.compile(r"<link rel=\"(?:modulepreload|preload)\"[^>]*>")
CSP = re.compile(r"<meta http-equiv=\"Content-Security-Policy\" content=\"[^\"]*\">")
CSP_COMMENT = re.compile(r"<!-- The page talks to no one.*?-->\s*", re.S)
# The fleet view's loader (scripts/fleet_loader.py): `import('./fleet-view-….js')`, its wasm URL.
FLEET_LOADER = re.compile(rf"<script type=\"module\" id=\"{SCRIPT_ID}\">(.*?)</script>", re.S)
FLEET_GLUE = re.compile(r"import\('\./([^']+\.js)'\)")
# The glue's last line: `export { initSync, __wbg_init as default };`.
GLUE_EXPORTS = re.compile(r"^export\s*\{([^}]*)\}\s*;?\s*$", re.M)
# The bindings it exports where they are declared: `export function mount(`, `export class X {`.
GLUE_DECLARED = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)", re.M)


class HookError(Exception):
    """The staged files do not look as this script expects (a Trunk or wasm-bindgen change)."""


def sha256_source(text: str) -> str:
    """The CSP source expression that allows exactly this inline text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def one(pattern: re.Pattern, text: str, what: str) -> re.Match:
    match = pattern.search(text)
    if match is None:
        raise HookError(f"cannot find {what}")
    return match


def split_glue(glue: str) -> tuple[str, str, dict[str, str]]:
    """The glue without its export list, its init function's name, and its other exports
    (exported name → local name)."""
    exports = GLUE_EXPORTS.findall(glue)
    if len(exports) != 1:
        raise HookError("the wasm-bindgen glue has no single export list")
    init = None
    others = {}
    for item in (n.strip() for n in exports[0].split(",")):
        if not item:
            continue
        local, _, exported = (part.strip() for part in item.partition(" as "))
        if exported == "default":
            init = local
        else:
            others[exported or local] = local
    if not init:
        raise HookError("the wasm-bindgen glue exports no default init function")
    for name in GLUE_DECLARED.findall(glue):
        others[name] = name
    return GLUE_EXPORTS.sub("", glue), init, others


def staged_base64(staging: str, name: str) -> str:
    """A staged file's bytes as base64 text."""
    with open(os.path.join(staging, name), "rb") as f:
        return base64.b64encode(f.read()).decode("ascii")


def embedded(element_id: str, data64: str) -> str:
    """A non-executed element holding base64 data (read back by `read_bytes_js` or the app)."""
    return f'<script type="application/octet-stream" id="{element_id}">{data64}</script>'


def read_bytes_js(element_id: str) -> str:
    """JavaScript that decodes the base64 text of a `<script type="application/octet-stream">`
    into `bytes`."""
    return (
        f"  const text = document.getElementById('{element_id}').textContent.replace(/\\s+/g, '');\n"
        "  const raw = atob(text);\n"
        "  const bytes = new Uint8Array(raw.length);\n"
        "  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);\n"
    )


def inline_glue(glue: str) -> str:
    """The glue as an inline module script: its export list removed, its init function named."""
    body, init, _ = split_glue(glue)
    return (
        body
        + "\n// ime-cert-inspector offline start: the wasm comes from this file, not the network.\n"
        + "{\n"
        + read_bytes_js("wasm-base64")
        + f"  const wasm = await {init}({{ module_or_path: bytes }});\n"
        + "  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));\n"
        + "}\n"
    )


def inline_fleet_glue(glue: str) -> str:
    """The fleet module's glue as an inline module script that defines the page's
    `imecertLoadFleet()` over the wasm inside the page (instantiated on the first call)."""
    body, init, others = split_glue(glue)
    exports = ", ".join(f"{name}: {local}" for name, local in others.items() if name != "initSync")
    if "mount" not in others:
        raise HookError("the fleet view's glue exports no mount function")
    return (
        body
        + "\n// ime-cert-inspector offline fleet view: loaded from this file on the first fleet file.\n"
        + "let fleetLoading;\n"
        + "window.imecertLoadFleet = () => fleetLoading ??= (async () => {\n"
        + read_bytes_js("fleet-wasm-base64")
        + f"  await {init}({{ module_or_path: bytes }});\n"
        + f"  return {{ {exports} }};\n"
        + "})();\n"
    )


def offline_html(staging: str) -> str:
    with open(os.path.join(staging, "index.html"), encoding="utf-8") as f:
        html = f.read()
    loader = one(LOADER, html, "Trunk's loader script in index.html")
    glue_name = one(GLUE_NAME, loader.group(1), "the glue's name in the loader").group(1)
    wasm_name = one(WASM_NAME, loader.group(1), "the wasm's name in the loader").group(1)
    css_link = one(STYLESHEET, html, "the stylesheet link")
    icon_link = one(ICON, html, "the favicon link")

    with open(os.path.join(staging, glue_name), encoding="utf-8") as f:
        script = inline_glue(f.read())
    fleet_loader = one(FLEET_LOADER, html, "the fleet view's loader in index.html")
    fleet_glue_name = one(FLEET_GLUE, fleet_loader.group(1), "the fleet glue's name").group(1)
    fleet_wasm_name = one(WASM_NAME, fleet_loader.group(1), "the fleet wasm's name").group(1)
    with open(os.path.join(staging, fleet_glue_name), encoding="utf-8") as f:
        fleet_script = inline_fleet_glue(f.read())
    with open(os.path.join(staging, css_link.group(1)), encoding="utf-8") as f:
        css = f.read()
    icon = "data:image/svg+xml;base64," + staged_base64(staging, icon_link.group(1))

    # Inline text must not end its own element early.
    if any(re.search(r"</script", s, re.I) for s in (script, fleet_script)) or re.search(
        r"</style", css, re.I
    ):
        raise HookError("the glue or the stylesheet contains a closing tag")

    csp = (
        "default-src 'none'; "
        f"script-src {sha256_source(script)} {sha256_source(fleet_script)} 'wasm-unsafe-eval'; "
        f"style-src {sha256_source(css)}; "
        "img-src data: blob:; connect-src 'none'; font-src 'none'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    replacements = [
        (CSP_COMMENT, "<!-- The offline page: wasm, script and styles are inside this file, and its "
         "policy forbids every request (scripts/offline.py). -->\n  "),
        (CSP, f'<meta http-equiv="Content-Security-Policy" content="{csp}">'),
        (STYLESHEET, f"<style>{css}</style>"),
        (ICON, f'<link rel="icon" href="{icon}">'),
        (PRELOADS, ""),
        (LOADER, f'<script type="module">{script}</script>'),
        (FLEET_LOADER, f'<script type="module" id="{SCRIPT_ID}">{fleet_script}</script>'),
    ]
    for pattern, text in replacements:
        # A function as the replacement: the inline text is taken literally (no \\1 escapes).
        # Every preload goes (there is one per file); everything else occurs exactly once.
        limit = 0 if pattern is PRELOADS else 1
        html, count = pattern.subn(lambda _m, t=text: t, html, count=limit)
        if count < 1:
            raise HookError(f"cannot replace {pattern.pattern[:40]}")
    carried = [
        embedded("wasm-base64", staged_base64(staging, wasm_name)),
        embedded("fleet-wasm-base64", staged_base64(staging, fleet_wasm_name)),
        embedded("collector-script", staged_base64(staging, COLLECTOR)),
    ]
    html = html.replace("<body>", '<body data-offline="true">\n  ' + "\n  ".join(carried), 1)
    return html


def main() -> int:
    staging = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("offline.py: TRUNK_STAGING_DIR is not set and no directory was given", file=sys.stderr)
        return 2
    try:
        html = offline_html(staging)
    except (HookError, OSError) as error:
        print(f"offline.py: {error}", file=sys.stderr)
        return 1
    path = os.path.join(staging, OUTPUT)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"offline.py: wrote {path} ({len(html.encode('utf-8')) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
