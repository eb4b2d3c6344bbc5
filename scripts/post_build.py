#!/usr/bin/env python3
"""Trunk's post_build hook: fleet_loader.py, csp.py, then offline.py, one after the other.

Trunk starts every hook of a stage at the same time (trunk 0.21 `spawn_hooks`), and each of these
reads the index.html the one before rewrites (csp.py hashes the fleet loader's script, offline.py
reads the page as csp.py left it), so the three run from this one hook, in order. Each keeps
its own usage (`csp.py FILE`, `offline.py DIR`) for runs by hand.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    for script in ("fleet_loader.py", "csp.py", "offline.py"):
        code = subprocess.call([sys.executable, os.path.join(HERE, script)])
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
