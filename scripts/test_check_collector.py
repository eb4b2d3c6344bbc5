#!/usr/bin/env python3
"""Each static check of scripts/check-collector.py fires on a small bad snippet, stays quiet on
its good twin, and the real collector passes them all.

Run: python3 scripts/test_check_collector.py (scripts/test.sh does).
"""
import importlib.util
import json
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("check_collector", HERE / "check-collector.py")
checker = importlib.util.module_from_spec(_spec)
sys.modules["check_collector"] = checker  # dataclasses look their module up by name
_spec.loader.exec_module(checker)

# Every snippet is checked together with this line, so the registry check's "the script reads
# the 64-bit view somewhere" requirement does not drown the finding under test.
VIEW = (b"$h = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine,"
        b" [Microsoft.Win32.RegistryView]::Registry64)\n"
        b"$Invariant = [System.Globalization.CultureInfo]::InvariantCulture\n")


def rules(snippet: str, checks=None) -> set:
    source = VIEW + snippet.encode()
    found = checker.check_source(source, checks or checker.CHECKS)
    return {f.rule for f in found}


class RealScript(unittest.TestCase):
    def test_the_collector_passes_every_check(self):
        found = checker.check_source(checker.DEFAULT_SCRIPT.read_bytes())
        self.assertEqual([str(f) for f in found], [])

    def test_the_collector_is_the_one_checked(self):
        text = checker.DEFAULT_SCRIPT.read_text(encoding="utf-8")
        self.assertIn("ime-cert-inspector/scenario/v1", text)
        self.assertIn("Registry64", text)


class Syntax(unittest.TestCase):
    def test_unbalanced_braces_fail(self):
        self.assertIn("syntax", rules("function f { if ($a) { 1 }\n"))

    def test_clean_code_passes(self):
        self.assertEqual(rules("function f { if ($a) { 1 } }\n", [checker.check_syntax]), set())


class PowerShell51(unittest.TestCase):
    def assertPs7(self, snippet):
        self.assertIn("ps51", rules(snippet, [checker.check_ps51]), snippet)

    def test_null_coalescing(self):
        self.assertPs7("$a = $b ?? 1\n")
        self.assertPs7("$a ??= 1\n")

    def test_null_conditional(self):
        self.assertPs7("${a}?.Name\n")
        self.assertPs7("${a}?[0]\n")

    def test_pipeline_chains(self):
        self.assertPs7("Get-Thing && Get-Other\n")
        self.assertPs7("Get-Thing || Get-Other\n")

    def test_ternary(self):
        self.assertPs7("$a = $b ? 1 : 2\n")

    def test_parallel_and_clean_block(self):
        self.assertPs7("1..3 | ForEach-Object -Parallel { $_ }\n")
        self.assertPs7("function f { process { 1 } clean { 2 } }\n")

    def test_ps7_only_cmdlets_and_parameters(self):
        self.assertPs7("$x | Join-String\n")
        self.assertPs7("$j | ConvertFrom-Json -AsHashtable\n")

    def test_operators_in_strings_and_comments_and_where_alias_are_fine(self):
        snippet = ("# a ?? b and a ? b : c\n"
                   "$s = 'a ?? b ?. c && d'\n"
                   "$t = \"x ? y\"\n"
                   "$x = @(1, 2) | ? { $_ -gt 1 }\n"
                   "if ($a -and $b) { $c = if ($d) { 1 } else { 2 } }\n")
        self.assertEqual(rules(snippet, [checker.check_ps51]), set())

    def test_code_inside_a_string_subexpression_is_checked(self):
        self.assertPs7('$s = "value: $($a ?? 1)"\n')


class ReadOnly(unittest.TestCase):
    def assertWrites(self, snippet):
        self.assertIn("read-only", rules(snippet, [checker.check_read_only]), snippet)

    def assertFine(self, snippet):
        self.assertEqual(rules(snippet, [checker.check_read_only]), set(), snippet)

    def test_registry_and_item_writes(self):
        self.assertWrites("Set-ItemProperty -Path HKLM:\\X -Name a -Value 1\n")
        self.assertWrites("$key.SetValue('a', 1)\n")
        self.assertWrites("$key.DeleteSubKeyTree('x')\n")
        self.assertWrites("$hklm.OpenSubKey('SOFTWARE\\X', $true)\n")
        self.assertWrites("& reg.exe add HKLM\\X /v a /d 1\n")
        self.assertWrites("reg delete HKLM\\X /f\n")
        self.assertWrites("reg import x.reg\n")

    def test_network(self):
        self.assertWrites("Invoke-WebRequest https://example.com\n")
        self.assertWrites("Invoke-RestMethod https://example.com\n")
        self.assertWrites("$c = New-Object Net.WebClient\n")
        self.assertWrites("$c = New-Object System.Net.WebClient\n")
        self.assertWrites("$c = [System.Net.Http.HttpClient]::new()\n")

    def test_processes_and_certificates(self):
        self.assertWrites("Start-Process notepad\n")
        self.assertWrites("[Diagnostics.Process]::Start('x')\n")
        self.assertWrites("certutil -delstore My 00\n")
        self.assertWrites("$store.Remove($cert)\n")
        self.assertWrites("$store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadWrite)\n")
        self.assertWrites("$store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]'MaxAllowed')\n")
        self.assertWrites("$cngKey.Delete()\n")
        self.assertWrites("Invoke-Expression $code\n")

    def test_files(self):
        self.assertWrites("'x' | Out-File C:\\x.txt\n")
        self.assertWrites("Set-Content -Path x -Value 1\n")
        self.assertWrites("[IO.File]::Delete('C:\\x')\n")
        self.assertWrites("[System.IO.File]::WriteAllBytes('C:\\x', $b)\n")
        self.assertWrites("Get-Thing > C:\\out.txt\n")
        self.assertWrites("$s = New-Object IO.FileStream($p, [IO.FileMode]::Open, [IO.FileAccess]::Write)\n")

    def test_own_output_only_in_the_named_functions(self):
        self.assertWrites("Remove-Item C:\\Windows\\x\n")
        self.assertWrites("rm C:\\x\n")
        self.assertWrites("New-Item -ItemType Directory C:\\x\n")
        self.assertWrites("Set-Acl -Path C:\\x -AclObject $a\n")
        self.assertWrites("[System.IO.File]::WriteAllText($p, $t)\n")
        self.assertWrites("function Remove-OldBundles([string]$F) { Remove-Item $F }\n"
                          "Remove-OldBundles $env:SystemRoot\n")
        self.assertWrites("function Remove-OldBundles([string]$OutputFolder) {\n"
                          "  Get-ChildItem -LiteralPath $OutputFolder -Filter '*' | Remove-Item }\n")
        self.assertFine("function Remove-OldBundles([string]$OutputFolder) {\n"
                        "  Get-ChildItem -LiteralPath $OutputFolder -Filter 'imecert-*.json' -File |\n"
                        "    Sort-Object LastWriteTimeUtc -Descending | Select-Object -Skip 5 |\n"
                        "    Remove-Item -Force -ErrorAction SilentlyContinue\n}\n"
                        "Remove-OldBundles $defaultFolder\n"
                        "function Write-Bundle($p, $t) { [System.IO.File]::WriteAllText($p, $t) }\n"
                        "function Initialize-OutputFolder($F) { $null = New-Item -ItemType Directory -Path $F }\n")

    def test_reading_is_fine(self):
        self.assertFine("$k = $hklm.OpenSubKey('SOFTWARE\\X', $false)\n"
                        "$store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]'ReadOnly')\n"
                        "$t = $name.Replace('\\', '\\\\')\n"
                        "$s = New-Object IO.FileStream($p, [IO.FileMode]::Open, [IO.FileAccess]::Read, ([IO.FileShare]'ReadWrite'))\n"
                        "Get-Thing 2>$null\n")


class Registry(unittest.TestCase):
    def registry_rules(self, snippet, with_view=True):
        source = (VIEW if with_view else b"") + snippet.encode()
        return {f.rule for f in checker.check_source(source, [checker.check_registry])}

    def test_the_64_bit_view_is_required(self):
        self.assertIn("registry", self.registry_rules("$x = 1\n", with_view=False))
        self.assertEqual(self.registry_rules("$x = 1\n"), set())

    def test_other_views_and_provider_paths_fail(self):
        self.assertIn("registry", self.registry_rules(
            "[Microsoft.Win32.RegistryKey]::OpenBaseKey($hive, [Microsoft.Win32.RegistryView]::Registry32)\n"))
        self.assertIn("registry", self.registry_rules(
            "[Microsoft.Win32.RegistryKey]::OpenBaseKey($hive, [Microsoft.Win32.RegistryView]::Default)\n"))
        self.assertIn("registry", self.registry_rules("Get-ChildItem HKLM:\\SOFTWARE\\Microsoft\\Enrollments\n"))
        self.assertIn("registry", self.registry_rules("Get-ItemProperty -Path $p\n"))
        self.assertIn("registry", self.registry_rules("Get-ChildItem Registry::HKEY_LOCAL_MACHINE\\X\n"))


class Dates(unittest.TestCase):
    def assertCultural(self, snippet):
        self.assertIn("dates", rules(snippet, [checker.check_dates]), snippet)

    def assertFine(self, snippet):
        self.assertEqual(rules(snippet, [checker.check_dates]), set(), snippet)

    def test_culture_dependent_formatting_fails(self):
        self.assertCultural("$now.ToString('yyyy-MM-ddTHH:mm:ssZ')\n")
        self.assertCultural("$now.ToString('yyyy-MM-dd', $culture)\n")
        self.assertCultural("$now.ToString($fmt)\n")
        self.assertCultural("Get-Date -Format 'yyyy-MM-dd'\n")
        self.assertCultural("Get-Date -UFormat '%Y'\n")
        self.assertCultural("$now.ToShortDateString()\n")
        self.assertCultural("'{0:yyyy-MM-dd}' -f $now\n")
        self.assertCultural("[datetime]::Parse($s)\n")
        self.assertCultural("$now = [DateTime]::Now\n")

    def test_invariant_formatting_passes(self):
        self.assertFine("$now.ToString(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", $Invariant)\n"
                        "$now.ToString('o')\n"
                        "$n.ToString('x8', [System.Globalization.CultureInfo]::InvariantCulture)\n"
                        "$now = [DateTime]::UtcNow\n"
                        "'{0} of {1}' -f $a, $b\n")


def hash_keys(source: bytes, anchor: str) -> list:
    """The keys of the first hash literal that follows `anchor` in the script, in order (its
    own entries, not those of nested literals)."""
    tree = checker.parse(source)
    start = source.index(anchor.encode())
    for node in checker.walk(tree.root_node):
        if node.type == "hash_literal_body" and node.start_byte > start:
            keys = []
            for entry in node.children:
                if entry.type == "hash_entry":
                    keys.append(checker.text(entry.children[0]))
            return keys
    raise AssertionError(f"no hash literal after {anchor!r}")


class BundleShape(unittest.TestCase):
    """The committed fixture in the collector's new shape has exactly the keys the script writes,
    so the Rust tests that read it test what the script produces."""

    def setUp(self):
        self.script = checker.DEFAULT_SCRIPT.read_bytes()
        fixture = HERE.parent / "tests" / "fixtures" / "bundles" / "collector-v2.json"
        self.bundle = json.loads(fixture.read_text(encoding="utf-8"))

    def test_top_level_keys(self):
        self.assertEqual(hash_keys(self.script, "$bundle = [ordered]@{"), list(self.bundle))

    def test_certificate_keys(self):
        keys = hash_keys(self.script, "$entries += [pscustomobject][ordered]@{")
        for cert in self.bundle["certificates"]:
            self.assertEqual(keys, list(cert))

    def test_collector_keys(self):
        self.assertEqual(hash_keys(self.script, "collector          = [ordered]@{"),
                         list(self.bundle["collector"]))

    def test_registry_key_records(self):
        keys = hash_keys(self.script, "$record = [ordered]@{")
        for record in self.bundle["collector"]["registry_keys"]:
            self.assertEqual(keys, list(record))


class StandardOutput(unittest.TestCase):
    GOOD = ("function Write-ResultLine([string]$Line) { Write-Output $Line }\n"
            "function Write-Bundle($p, $t) { }\n"
            "if ($Remediation) {\n  Write-ResultLine $token\n  exit 0\n}\n"
            "Write-Bundle $OutFile $json\n"
            "Write-ResultLine $summary\n")

    def output_rules(self, snippet):
        return {f.rule for f in checker.check_source(snippet.encode(), [checker.check_output])}

    def test_the_good_shape_passes(self):
        self.assertEqual(self.output_rules(self.GOOD), set())

    def test_stray_output_fails(self):
        self.assertIn("stdout", self.output_rules(self.GOOD + "Write-Host 'hello'\n"))
        self.assertIn("stdout", self.output_rules(self.GOOD + "Write-Output 'hello'\n"))
        self.assertIn("stdout", self.output_rules(self.GOOD + "[Console]::WriteLine('x')\n"))
        self.assertIn("stdout", self.output_rules(self.GOOD + "[Console]::Out.WriteLine('x')\n"))
        self.assertEqual(self.output_rules(self.GOOD + "[Console]::Error.WriteLine('x')\n"), set())

    def test_remediation_writes_no_file_and_prints_once(self):
        early = self.GOOD.replace("if ($Remediation)", "Write-Bundle $OutFile $json\nif ($Remediation)")
        self.assertIn("stdout", self.output_rules(early))
        twice = self.GOOD.replace("Write-ResultLine $token\n", "Write-ResultLine $token\n  Write-ResultLine $token\n")
        self.assertIn("stdout", self.output_rules(twice))
        no_exit = self.GOOD.replace("  exit 0\n", "")
        self.assertIn("stdout", self.output_rules(no_exit))


if __name__ == "__main__":
    unittest.main()
