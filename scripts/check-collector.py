#!/usr/bin/env python3
"""Static checks of the collector script (www/collect-imecert.ps1).

No PowerShell runs on this project's machines, so CI checks what can be checked without it, on
the script's syntax tree (tree-sitter + tree-sitter-powershell):

  syntax      it parses: no ERROR or MISSING node;
  ps51        only Windows PowerShell 5.1 syntax: no ??, ?., ?[], &&/|| chains, ternaries,
              -Parallel, clean blocks or PowerShell 7-only cmdlets and parameters;
  read-only   it calls nothing that changes the machine or the network; the few writes it needs
              (its bundle, its own folder and that folder's ACL, pruning old bundles) live in
              named functions, and those are called only on its own folder;
  registry    the registry is read through OpenBaseKey(..., Registry64) and nothing else (a
              32-bit host would otherwise see WOW6432Node);
  dates       dates are formatted culture-independently (InvariantCulture or 'o');
  stdout      one result line: in -Remediation mode the token and nothing else, no file written.

Usage: check-collector.py [SCRIPT]   (default: www/collect-imecert.ps1). Exit 0 when clean, 1
with one "file:line:col: rule: message" per finding, 2 when the parser is missing.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    import tree_sitter
    import tree_sitter_powershell
except ImportError:  # pragma: no cover - exercised by scripts/test.sh installing them
    print("check-collector: needs `python3 -m pip install tree-sitter tree-sitter-powershell`",
          file=sys.stderr)
    sys.exit(2)

DEFAULT_SCRIPT = Path(__file__).resolve().parent.parent / "www" / "collect-imecert.ps1"


@dataclass(frozen=True)
class Finding:
    rule: str
    line: int  # 1-based
    column: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.rule}: {self.message}"


# --- The rules' tables ------------------------------------------------------------------------

# Cmdlets and programs that change the machine, reach the network or run other code. Keys are
# lower case; `.exe` is dropped from a command name before the lookup.
DENIED_COMMANDS = {
    # registry and items
    "set-itemproperty", "new-itemproperty", "remove-itemproperty", "rename-itemproperty",
    "copy-itemproperty", "clear-itemproperty", "move-itemproperty", "set-item", "clear-item",
    "copy-item", "move-item", "rename-item", "cpi", "copy", "cp", "move", "mv", "mi", "ren", "rni",
    "set-content", "add-content", "clear-content", "out-file", "tee-object", "tee",
    "export-csv", "export-clixml", "start-transcript",
    # certificates and keys
    "import-certificate", "import-pfxcertificate", "export-certificate", "export-pfxcertificate",
    "new-selfsignedcertificate", "remove-certificate", "switch-certificate",
    "clear-tpm", "initialize-tpm", "set-tpmownerauth", "enable-tpmautoprovisioning",
    "disable-tpmautoprovisioning", "import-tpmownerauth", "unblock-tpm",
    # network
    "invoke-webrequest", "invoke-restmethod", "iwr", "irm", "curl", "wget", "start-bitstransfer",
    "send-mailmessage", "new-pssession", "enter-pssession", "invoke-command", "icm",
    "test-netconnection", "resolve-dnsname", "bitsadmin",
    # processes, services, other code
    "start-process", "saps", "start", "start-job", "sajb", "stop-process", "kill", "spps",
    "start-service", "stop-service", "restart-service", "set-service", "new-service",
    "remove-service", "suspend-service", "resume-service", "restart-computer", "stop-computer",
    "register-scheduledtask", "unregister-scheduledtask", "set-scheduledtask", "start-scheduledtask",
    "set-executionpolicy", "install-module", "install-package", "install-script", "update-module",
    "invoke-expression", "iex", "add-type", "invoke-item", "ii",
    # native tools
    "cmd", "powershell", "pwsh", "regedit", "regini", "certutil", "certreq", "netsh", "sc",
    "schtasks", "bcdedit", "manage-bde", "dsregcmd", "deviceenroller", "wmic", "icacls", "cacls",
    "takeown", "setx", "net", "msiexec", "rundll32", "reg",
}

# Allowed only inside the named function (its own output), and that function is called only
# with the folder the script owns.
SCOPED_COMMANDS = {
    "new-item": "Initialize-OutputFolder",
    "set-acl": "Initialize-OutputFolder",
    "remove-item": "Remove-OldBundles",
}
SCOPED_MEMBERS = {
    "writealltext": "Write-Bundle",
}
# What the pruning may delete: its own bundles in its own folder, piped in, nothing named.
PRUNE_PIPELINE = re.compile(
    r"^Get-ChildItem -LiteralPath \$OutputFolder -Filter 'imecert-\*\.json'( -File)? \|[^;]*"
    r"\|\s*Remove-Item( -Force| -ErrorAction SilentlyContinue)*$")
OWN_FOLDER_FUNCTIONS = {"Initialize-OutputFolder", "Remove-OldBundles"}
OWN_FOLDER_ARGUMENT = "$defaultFolder"
REMOVE_ALIASES = {"del", "erase", "rd", "ri", "rm", "rmdir"}

# .NET instance members that write: the registry, certificate stores, keys, files, processes.
DENIED_MEMBERS = {
    "setvalue", "createsubkey", "deletesubkey", "deletesubkeytree", "deletevalue",
    "setaccesscontrol", "delete", "moveto", "remove", "removerange", "addrange", "kill",
    "downloadstring", "downloadfile", "downloaddata", "uploadstring", "uploadfile", "getasync",
    "postasync", "sendasync", "getresponse", "getrequeststream", "persistkeyinfo", "openwrite",
}
# Static members of file-system types that write ([IO.File]::Delete(...)): any type whose name
# ends with one of these, any member starting with one of the prefixes.
WRITING_STATIC_MEMBERS = {
    "io.file": ("delete", "move", "copy", "replace", "write", "append", "create", "openwrite",
                "setattributes", "setaccesscontrol", "encrypt", "decrypt", "settime", "setlast",
                "setcreation"),
    "io.directory": ("delete", "move", "createdirectory", "setaccesscontrol", "settime",
                     "setlast", "setcreation", "setcurrentdirectory"),
}
DENIED_TYPES = {
    "net.webclient", "net.webrequest", "net.httpwebrequest", "net.http.httpclient",
    "net.sockets.tcpclient", "net.sockets.udpclient", "net.sockets.socket", "net.dns",
    "diagnostics.process", "microsoft.win32.registry", "management.automation.powershell",
    "io.filesysteminfo",
}

# PowerShell 7-only commands and parameters.
PS7_COMMANDS = {
    "join-string", "test-json", "get-error", "convertfrom-markdown", "show-markdown",
    "get-markdownoption", "set-markdownoption", "get-uptime", "remove-alias", "get-securerandom",
    "convertto-clixml", "convertfrom-clixml", "clear-recyclebin", "foreach-object -parallel",
}
PS7_PARAMETERS = {
    "-parallel", "-ashashtable", "-escapehandling", "-skipcertificatecheck", "-asarray",
    "-throttlelimit", "-noenumerate", "-skiplimitcheck", "-asbytestream",
}

# .NET standard date formats that do not depend on the culture.
INVARIANT_DATE_FORMATS = {"o", "O", "r", "R", "s", "u"}
DATE_SPECIFIERS = re.compile(r"(yy|MM|dd|HH|hh|mm|ss|tt|ff|[dDfFgGmMtTyY])")
LOCAL_DATE_METHODS = {"toshortdatestring", "tolongdatestring", "toshorttimestring",
                      "tolongtimestring"}


# --- Tree helpers -----------------------------------------------------------------------------

_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))

STRING_NODES = {"string_literal", "comment"}


def parse(source: bytes):
    return _PARSER.parse(source)


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def text(node) -> str:
    return node.text.decode("utf-8", "replace").strip()


def at(node, rule: str, message: str) -> Finding:
    row, col = node.start_point
    return Finding(rule, row + 1, col + 1, message)


def enclosing_function(node) -> str | None:
    while node is not None:
        if node.type == "function_statement":
            for child in node.children:
                if child.type == "function_name":
                    return text(child)
        node = node.parent
    return None


def enclosing_pipeline(node):
    while node.parent is not None and node.type not in {"pipeline", "pipeline_chain"}:
        node = node.parent
    return node


def code_only(source: bytes, root) -> str:
    """The source with comments and string contents blanked (code inside $( ) kept)."""
    chars = bytearray(source)
    keep = []
    for node in walk(root):
        if node.type in STRING_NODES:
            for i in range(node.start_byte, node.end_byte):
                if chars[i] not in (0x0A, 0x0D):
                    chars[i] = 0x20
            keep.extend(n for n in walk(node) if n.type == "sub_expression")
    for node in keep:
        chars[node.start_byte:node.end_byte] = source[node.start_byte:node.end_byte]
    return chars.decode("utf-8", "replace")


def position(code: str, offset: int) -> tuple[int, int]:
    # Byte and character offsets agree for the ASCII the checks look for only up to the first
    # non-ASCII character; counting lines in the decoded text keeps line numbers right.
    line = code.count("\n", 0, offset) + 1
    column = offset - (code.rfind("\n", 0, offset) + 1) + 1
    return line, column


def command_name(node) -> str:
    name = text(node).lower()
    return name[:-4] if name.endswith(".exe") else name


def call_member(node) -> str | None:
    """The member name of `x.Name(...)` / `[T]::Name(...)`, lower case."""
    if node.type != "invokation_expression":
        return None
    for child in node.children:
        if child.type == "member_name":
            return text(child).lower()
    return None


def call_arguments(node) -> list:
    for child in node.children:
        if child.type == "argument_list":
            for part in child.children:
                if part.type == "argument_expression_list":
                    return [c for c in part.children if c.type == "argument_expression"]
    return []


def type_name(node) -> str:
    name = text(node).strip("[]").lower()
    return name[len("system."):] if name.startswith("system.") else name


def string_value(node) -> str | None:
    """The text of an argument that is a plain string literal (quotes removed), else None."""
    literals = [n for n in walk(node) if n.type == "string_literal"]
    if len(literals) != 1 or text(node) != text(literals[0]):
        return None
    raw = text(literals[0])
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" else None


# --- The checks -------------------------------------------------------------------------------

def check_syntax(source: bytes, root) -> list[Finding]:
    found = []
    for node in walk(root):
        if node.type == "ERROR":
            found.append(at(node, "syntax", f"does not parse: {text(node)[:40]!r}"))
        elif node.is_missing:
            found.append(at(node, "syntax", f"missing {node.type!r}"))
    return found


def check_ps51(source: bytes, root) -> list[Finding]:
    found = []
    for node in walk(root):
        if node.type == "pipeline_chain_tail":
            found.append(at(node, "ps51", "&& / || pipeline chains are PowerShell 7 only"))
        elif node.type == "command_parameter" and text(node).lower() in PS7_PARAMETERS:
            found.append(at(node, "ps51", f"{text(node)} is PowerShell 7 only"))
        elif node.type == "command_name" and command_name(node) in PS7_COMMANDS:
            found.append(at(node, "ps51", f"{text(node)} is PowerShell 7 only"))
    code = code_only(source, root)
    patterns = [
        (r"\?\?=?", "the null-coalescing operator ?? / ??= is PowerShell 7 only"),
        (r"\?\.|\?\[", "null-conditional access ?. / ?[] is PowerShell 7 only"),
        (r"(?i)\bclean\s*\{", "the clean block is PowerShell 7.3 only"),
        (r"(?i)::new\s*\(\s*\)\s*\{", "a target-typed ::new initialiser is not PowerShell 5.1"),
    ]
    for pattern, message in patterns:
        for match in re.finditer(pattern, code):
            found.append(Finding("ps51", *position(code, match.start()), message))
    # A lone `?` is Where-Object's alias after a pipe; anywhere else it is a ternary.
    for match in re.finditer(r"(?<![?$\w{])\?(?![?.\[\w])", code):
        before = code[:match.start()].rstrip()
        if not before.endswith("|"):
            found.append(Finding("ps51", *position(code, match.start()),
                                 "the ternary operator ?: is PowerShell 7 only"))
    return found


def check_read_only(source: bytes, root) -> list[Finding]:
    found = []
    for node in walk(root):
        if node.type == "command_name":
            name = command_name(node)
            if name in REMOVE_ALIASES:
                found.append(at(node, "read-only", f"{text(node)}: use Remove-Item in Remove-OldBundles"))
            elif name in DENIED_COMMANDS:
                found.append(at(node, "read-only", f"{text(node)} changes the machine or reaches the network"))
            elif name in SCOPED_COMMANDS and enclosing_function(node) != SCOPED_COMMANDS[name]:
                found.append(at(node, "read-only",
                                f"{text(node)} is allowed only in {SCOPED_COMMANDS[name]} (the script's own folder)"))
            elif name == "remove-item" and not PRUNE_PIPELINE.search(text(enclosing_pipeline(node))):
                found.append(at(node, "read-only",
                                "Remove-Item only on `Get-ChildItem -LiteralPath $OutputFolder -Filter 'imecert-*.json'` output"))
            elif name in {f.lower() for f in OWN_FOLDER_FUNCTIONS}:
                elements = [c for c in node.parent.children if c.type == "command_elements"]
                args = text(elements[0]) if elements else ""
                if args != OWN_FOLDER_ARGUMENT:
                    found.append(at(node, "read-only",
                                    f"{text(node)} must be called with {OWN_FOLDER_ARGUMENT} only, not {args!r}"))
        elif node.type == "type_literal" and type_name(node) in DENIED_TYPES:
            found.append(at(node, "read-only", f"{text(node)} reaches the network, the registry for writing or other processes"))
        elif node.type == "generic_token" and re.fullmatch(r"(?i)(system\.)?net\.(webclient|http\.httpclient|webrequest|httpwebrequest)", text(node)):
            found.append(at(node, "read-only", f"{text(node)} reaches the network"))
        elif node.type in {"redirection", "file_redirection_operator"} or (
                node.type == "generic_token" and re.match(r"^[\d*]?>>?", text(node))):
            target = text(node.parent if node.type == "file_redirection_operator" else node)
            if not target.endswith("$null"):
                found.append(at(node, "read-only", f"redirection to a file ({target!r}): only > $null is allowed"))
        member = call_member(node)
        if member is None:
            continue
        if member in SCOPED_MEMBERS:
            if enclosing_function(node) != SCOPED_MEMBERS[member]:
                found.append(at(node, "read-only", f".{member}() is allowed only in {SCOPED_MEMBERS[member]}"))
        elif member in DENIED_MEMBERS:
            found.append(at(node, "read-only", f".{member}() writes or deletes"))
        elif node.children and node.children[0].type == "type_literal" and any(
                type_name(node.children[0]) == t and member.startswith(prefixes)
                for t, prefixes in WRITING_STATIC_MEMBERS.items()):
            found.append(at(node, "read-only", f"{text(node.children[0])}::{member}() writes to the disk"))
        elif member == "opensubkey":
            arguments = call_arguments(node)
            if len(arguments) > 1 and text(arguments[1]).lower() != "$false":
                found.append(at(node, "read-only", "OpenSubKey must open read-only ($false)"))
        elif member == "start":
            found.append(at(node, "read-only", ".Start() runs another process"))
    # Stores and files opened for writing (the flags are often strings, so read all text).
    for match in re.finditer(r"(?i)OpenFlags\]\s*(::\s*)?['\"]?[^)\n]*\b(ReadWrite|MaxAllowed)\b", source.decode("utf-8", "replace")):
        found.append(Finding("read-only", *position(source.decode("utf-8", "replace"), match.start()),
                             "a certificate store must be opened ReadOnly"))
    for match in re.finditer(r"(?i)FileAccess\]\s*(::\s*)?['\"]?(Write|ReadWrite)\b", source.decode("utf-8", "replace")):
        found.append(Finding("read-only", *position(source.decode("utf-8", "replace"), match.start()),
                             "files are opened for reading only"))
    return found


def check_registry(source: bytes, root) -> list[Finding]:
    found = []
    uses_64 = False
    code = code_only(source, root)
    for node in walk(root):
        if call_member(node) == "openbasekey":
            arguments = call_arguments(node)
            if len(arguments) == 2 and re.search(r"(?i)RegistryView\]::Registry64$", text(arguments[1])):
                uses_64 = True
            else:
                found.append(at(node, "registry", "OpenBaseKey must use [Microsoft.Win32.RegistryView]::Registry64"))
        elif node.type == "command_name" and command_name(node) in {
                "get-itemproperty", "get-itempropertyvalue", "gp", "gpv"}:
            found.append(at(node, "registry", f"{text(node)} reads the host's view (WOW6432Node in 32-bit PowerShell)"))
    for match in re.finditer(r"(?i)\b(HKLM|HKCU|HKEY_LOCAL_MACHINE|Registry)::?\\?", code):
        found.append(Finding("registry", *position(code, match.start()),
                             "registry provider paths read the host's view; use OpenBaseKey(..., Registry64)"))
    for match in re.finditer(r"(?i)RegistryView\]::(Default|Registry32)", code):
        found.append(Finding("registry", *position(code, match.start()), "only the 64-bit registry view"))
    if not uses_64:
        found.append(Finding("registry", 1, 1,
                             "no [Microsoft.Win32.RegistryKey]::OpenBaseKey(..., [Microsoft.Win32.RegistryView]::Registry64)"))
    return found


def check_dates(source: bytes, root) -> list[Finding]:
    found = []
    invariant_names = set()
    for node in walk(root):
        if node.type == "assignment_expression" and re.search(
                r"(?i)CultureInfo\]::InvariantCulture$", text(node)):
            invariant_names.add(text(node).split("=", 1)[0].strip().lower())

    def invariant(arg) -> bool:
        t = text(arg).lower()
        return t in invariant_names or t.endswith("cultureinfo]::invariantculture")

    for node in walk(root):
        if node.type == "command_name" and command_name(node) == "get-date":
            for sibling in node.parent.children:
                for part in walk(sibling):
                    if part.type == "command_parameter" and text(part).lower() in {"-format", "-uformat"}:
                        found.append(at(part, "dates", "Get-Date -Format uses the machine's culture"))
        member = call_member(node)
        if member in LOCAL_DATE_METHODS:
            found.append(at(node, "dates", f".{member}() uses the machine's culture"))
        elif member == "tostring":
            arguments = call_arguments(node)
            if not arguments:
                continue
            fmt = string_value(arguments[0])
            if fmt is None and len(arguments) == 1:
                found.append(at(node, "dates", "ToString(<format>) needs a literal format and the invariant culture"))
            elif fmt is not None and fmt in INVARIANT_DATE_FORMATS:
                continue
            elif len(arguments) < 2 or not invariant(arguments[1]):
                found.append(at(node, "dates",
                                f"ToString({text(arguments[0])}) without [CultureInfo]::InvariantCulture"))
        elif member in {"parse", "parseexact", "tryparse", "tryparseexact"}:
            if not any(invariant(a) for a in call_arguments(node)):
                found.append(at(node, "dates", f".{member}() without the invariant culture"))
        elif node.type == "format_expression":
            left = node.children[0] if node.children else None
            fmt = string_value(left) if left is not None else None
            if fmt and re.search(r"\{\d+(,-?\d+)?:[^}]*" + DATE_SPECIFIERS.pattern, fmt):
                found.append(at(node, "dates", "-f with a date format uses the machine's culture"))
    code = code_only(source, root)
    for match in re.finditer(r"(?i)\[(System\.)?DateTime\]::Now\b", code):
        found.append(Finding("dates", *position(code, match.start()), "use [DateTime]::UtcNow: bundle times are UTC"))
    return found


OUTPUT_COMMANDS = {"write-output", "echo", "write", "write-host", "out-host", "out-default",
                   "write-information", "out-printer"}
RESULT_FUNCTION = "Write-ResultLine"
FILE_WRITERS = {"Write-Bundle", "Initialize-OutputFolder", "Remove-OldBundles"}


def check_output(source: bytes, root) -> list[Finding]:
    """Standard output is the result line and nothing else: a Remediation keeps the last line a
    detection script prints, and the token must be it. Output commands live in Write-ResultLine
    only; the `if ($Remediation)` block prints once, exits 0, and comes before any file is written."""
    found = []
    calls = []
    writers = []
    for node in walk(root):
        if node.type == "command_name":
            name = text(node)
            if command_name(node) in OUTPUT_COMMANDS and enclosing_function(node) != RESULT_FUNCTION:
                found.append(at(node, "stdout", f"{name}: only {RESULT_FUNCTION} writes to standard output"))
            elif name == RESULT_FUNCTION:
                calls.append(node)
            elif name in FILE_WRITERS:
                writers.append(node)
        elif call_member(node) in {"write", "writeline"} and node.children:
            receiver = text(node.children[0]).lower().replace("system.", "")
            if receiver in {"[console]", "[console]::out"} and enclosing_function(node) != RESULT_FUNCTION:
                found.append(at(node, "stdout", f"{text(node)[:30]}: only {RESULT_FUNCTION} writes to standard output"))
    branches = [n for n in walk(root) if n.type == "if_statement"
                and any(c.type == "pipeline" and text(c) == "$Remediation" for c in n.children)]
    if len(branches) != 1:
        found.append(Finding("stdout", 1, 1, "expected one `if ($Remediation) { ... }` branch"))
        return found
    branch = branches[0]
    inside = [c for c in calls if branch.start_byte <= c.start_byte < branch.end_byte]
    exits = [n for n in walk(branch) if n.type == "flow_control_statement" and text(n) == "exit 0"]
    if len(inside) != 1 or not exits or exits[-1].start_byte < inside[0].start_byte:
        found.append(at(branch, "stdout", f"the Remediation branch must call {RESULT_FUNCTION} once, then exit 0"))
    early = [w for w in writers if w.start_byte < branch.start_byte and enclosing_function(w) is None]
    for writer in early:
        found.append(at(writer, "stdout", f"{text(writer)} runs before the Remediation branch (it must write no file)"))
    if len(calls) - len(inside) != 1:
        found.append(Finding("stdout", 1, 1, f"{RESULT_FUNCTION} must be called once outside the Remediation branch"))
    return found


CHECKS = [check_syntax, check_ps51, check_read_only, check_registry, check_dates, check_output]


def check_source(source: bytes, checks=CHECKS) -> list[Finding]:
    tree = parse(source)
    found = []
    for check in checks:
        found.extend(check(source, tree.root_node))
    return sorted(set(found), key=lambda f: (f.line, f.column, f.rule, f.message))


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SCRIPT
    findings = check_source(path.read_bytes())
    for finding in findings:
        print(f"{path}:{finding}")
    if findings:
        print(f"check-collector: {len(findings)} finding(s) in {path}", file=sys.stderr)
        return 1
    print(f"check-collector: {path.name} passes (syntax, ps51, read-only, registry, dates, stdout)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
