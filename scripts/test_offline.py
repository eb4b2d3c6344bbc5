#!/usr/bin/env python3
"""scripts/offline.py turns wasm-bindgen's glue into inline scripts: these cases pin how it reads
the glue's exports (the export list and the declarations), since a miss there only shows as a
fleet view that never opens in the offline copy.

Run: python3 scripts/test_offline.py (scripts/test.sh does).
"""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offline  # noqa: E402

GLUE = """export class FleetView {
    free() {}
}
export function mount(root, host) {
    return FleetView.__wrap(0);
}
async function __wbg_init(module_or_path) {}
function initSync(module) {}
export { initSync, __wbg_init as default };
"""


class SplitGlue(unittest.TestCase):
    def test_reads_the_export_list_and_the_declared_exports(self):
        body, init, others = offline.split_glue(GLUE)
        self.assertEqual(init, "__wbg_init")
        self.assertEqual(others, {"initSync": "initSync", "FleetView": "FleetView", "mount": "mount"})
        self.assertNotIn("export {", body)

    def test_a_glue_without_an_export_list_is_refused(self):
        with self.assertRaises(offline.HookError):
            offline.split_glue("export function mount() {}\n")

    def test_a_glue_without_a_default_init_is_refused(self):
        with self.assertRaises(offline.HookError):
            offline.split_glue("function initSync() {}\nexport { initSync };\n")


class FleetGlue(unittest.TestCase):
    def test_the_loader_returns_every_binding_but_init_sync(self):
        script = offline.inline_fleet_glue(GLUE)
        self.assertIn("return { FleetView: FleetView, mount: mount };", script)
        self.assertIn("getElementById('fleet-wasm-base64')", script)
        self.assertIn("await __wbg_init({ module_or_path: bytes });", script)

    def test_a_fleet_glue_without_mount_is_refused(self):
        with self.assertRaises(offline.HookError):
            offline.inline_fleet_glue(GLUE.replace("export function mount", "function mount"))


if __name__ == "__main__":
    unittest.main()
