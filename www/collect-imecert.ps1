<#
.SYNOPSIS
  Collects what ime-cert-inspector needs from this device into one bundle file. Read-only.

.DESCRIPTION
  Reads the certificates of Cert:\LocalMachine\My and of the CurrentUser\My the Intune Management
  Extension sees (SYSTEM's), proves each private key usable by signing a few bytes with it, reads
  the Enrollments, OMA-DM and IME CertMetadata registry keys (always in the 64-bit view), the IME
  version and the agent log lines about its certificate (rotated logs included), and writes one
  JSON bundle (schema ime-cert-inspector/scenario/v1). No network; nothing on the machine changes
  apart from the bundle file and its own folder (Administrators and SYSTEM only, latest 5 kept).

  Written for Windows 10/11 in Windows PowerShell 5.1 (32- or 64-bit host, as Intune runs it) and
  PowerShell 7. Run it as SYSTEM (an Intune platform script or Remediation, or psexec -s) or at
  least elevated; otherwise it refuses (exit 1).

.PARAMETER OutFile
  Where to write the bundle (a relative path is relative to the current PowerShell location).
  Default: %ProgramData%\ime-cert-inspector\imecert-<device>-<UTC time>.json.

.PARAMETER Remediation
  Intune Remediation (detection script) mode: prints one IMECERT1: facts line, writes no file.
#>
[CmdletBinding()]
param(
  [string]$OutFile,
  [switch]$Remediation
)

# A missing key or log is normal: errors are caught where they can happen and recorded, never
# allowed to end the run ('Stop' would turn any native stderr line into a fatal error in 5.1).
$ErrorActionPreference = 'Continue'
Set-StrictMode -Version 2.0

$ScriptVersion = '2.0.0'
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture
$BundleSchema = 'ime-cert-inspector/scenario/v1'
$KeepBundles = 5
$MaxLogFiles = 8              # the current IME log and the newest rotated ones
$MaxLogBytes = 64MB           # read from the end of a bigger log
$MaxRecordsPerLog = 2000      # the latest matching records of each log
$LogPattern = 'MdmDeviceCertificate|MDM certificates|Account ID is|Device Id is|Refreshed MDM device certificate|Agent version is'
$KeysToRead = @(
  @{ Path = 'SOFTWARE\Microsoft\Enrollments'; Name = 'Enrollments.reg' },
  @{ Path = 'SOFTWARE\Microsoft\Provisioning\OMADM\Accounts'; Name = 'Provisioning-OMADM-Accounts.reg' },
  @{ Path = 'SOFTWARE\Microsoft\IntuneManagementExtension\CertMetadata'; Name = 'IntuneManagementExtension-CertMetadata.reg' }
)

# ---------------------------------------------------------------------------------------------
# Who runs us
# ---------------------------------------------------------------------------------------------

$identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
$principal = New-Object System.Security.Principal.WindowsPrincipal($identity)
$isSystem = $identity.User.Value -eq 'S-1-5-18'
$isElevated = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
if (-not ($isSystem -or $isElevated)) {
  [Console]::Error.WriteLine('collect-imecert: run this elevated (as Administrator) or as SYSTEM; ' +
    'without that the private keys and registry keys cannot be read and the bundle would mislead.')
  exit 1
}
$userOwner = if ($isSystem) { 'SYSTEM' } else { $identity.Name }
$nowUtc = [DateTime]::UtcNow

# ---------------------------------------------------------------------------------------------
# Text helpers (culture-independent)
# ---------------------------------------------------------------------------------------------

function Format-UtcTime([DateTime]$Utc) {
  # Invariant culture: a Thai-culture machine would otherwise write a Buddhist-era year.
  return $Utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $Invariant)
}

function Format-HResult([int]$HResult) {
  return '0x' + $HResult.ToString('X8', $Invariant)
}

# ---------------------------------------------------------------------------------------------
# Private keys: proven by use
# ---------------------------------------------------------------------------------------------

function Get-InnermostException([Exception]$Exception) {
  $e = $Exception
  while ($null -ne $e.InnerException) { $e = $e.InnerException }
  return $e
}

# What a failure to open or use a key means for the decision.
function Get-KeyFailure([Exception]$Exception, [string]$Step) {
  $inner = Get-InnermostException $Exception
  $code = Format-HResult $inner.HResult
  $why = "$Step failed with $code ($($inner.Message.Trim()))"
  $state = 'unknown'
  switch -Regex ($code) {
    '^0x80090016$' { $state = 'absent'; $why += ': NTE_BAD_KEYSET, the key is gone (as after a TPM clear)' }
    '^0x8009000D$' { $state = 'absent'; $why += ': NTE_NO_KEY, the key does not exist' }
    '^0x8009000B$' { $state = 'absent'; $why += ': NTE_BAD_KEY_STATE, the key cannot be used' }
    '^0x80070005$' { $why += ': access denied, so whether the key exists is not known' }
    '^0x80090010$' { $why += ': NTE_PERM, access denied, so whether the key exists is not known' }
    '^0x802[89]' { $why += ': a TPM error, so whether the key exists is not known' }
    '^0x8010' { $why += ': a smart card error, so whether the key exists is not known' }
  }
  return @{ private_key = $state; key_note = $why }
}

function Invoke-TestSignature($Key, [byte[]]$Data, [System.Security.Cryptography.HashAlgorithmName]$Hash) {
  if ($Key -is [System.Security.Cryptography.RSA]) {
    return $Key.SignData($Data, $Hash, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
  }
  return $Key.SignData($Data, $Hash)
}

# 'present' only when the key signs: HasPrivateKey stays true after a TPM clear with no key left.
function Test-PrivateKey([System.Security.Cryptography.X509Certificates.X509Certificate2]$Cert) {
  $result = @{ private_key = 'absent'; key_provider = $null; key_note = 'no private key is linked to the certificate' }
  if (-not $Cert.HasPrivateKey) { return $result }
  $key = $null
  try {
    $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Cert)
    if ($null -eq $key) {
      $key = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Cert)
    }
  } catch {
    $failure = Get-KeyFailure $_.Exception 'opening the key'
    $result.private_key = $failure.private_key
    $result.key_note = $failure.key_note
    return $result
  }
  if ($null -eq $key) {
    $result.private_key = 'unknown'
    $result.key_note = 'a private key is linked but it is neither RSA nor ECDSA, so it was not tried'
    return $result
  }
  try {
    if ($key -is [System.Security.Cryptography.RSACng] -or $key -is [System.Security.Cryptography.ECDsaCng]) {
      $result.key_provider = $key.Key.Provider.Provider
    } elseif ($key -is [System.Security.Cryptography.RSACryptoServiceProvider]) {
      $result.key_provider = $key.CspKeyContainerInfo.ProviderName
    }
  } catch {
    $result.key_provider = $null
  }
  try {
    # Signing is read-only: nothing is stored, the key is only used.
    $data = [System.Text.Encoding]::ASCII.GetBytes('ime-cert-inspector key check')
    $hash = [System.Security.Cryptography.HashAlgorithmName]::SHA256
    try {
      $null = Invoke-TestSignature $key $data $hash
    } catch {
      # A legacy CAPI provider without SHA-256 (NTE_BAD_ALGID) still proves the key with SHA-1.
      if ((Format-HResult (Get-InnermostException $_.Exception).HResult) -ne '0x80090008') { throw }
      $hash = [System.Security.Cryptography.HashAlgorithmName]::SHA1
      $null = Invoke-TestSignature $key $data $hash
    }
    $result.private_key = 'present'
    $result.key_note = "the key signed a test message ($($hash.Name))"
  } catch {
    $failure = Get-KeyFailure $_.Exception 'signing a test message'
    $result.private_key = $failure.private_key
    $result.key_note = $failure.key_note
  } finally {
    $key.Dispose()
  }
  return $result
}

# Opened read-only: the store cannot be changed through this handle.
function Read-CertificateStore([string]$StoreName, [string]$Location, [string]$Owner) {
  $entries = @()
  $store = New-Object System.Security.Cryptography.X509Certificates.X509Store($StoreName, $Location)
  try {
    $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]'ReadOnly, OpenExistingOnly')
    foreach ($cert in $store.Certificates) {
      $key = Test-PrivateKey $cert
      $entries += [pscustomobject][ordered]@{
        store         = "$Location\$StoreName"
        der_base64    = [Convert]::ToBase64String($cert.RawData)
        private_key   = $key.private_key
        key_provider  = $key.key_provider
        friendly_name = $cert.FriendlyName
        store_owner   = $Owner
        key_note      = $key.key_note
      }
    }
  } catch {
    $script:problems += "store $Location\$StoreName could not be read: $($_.Exception.Message)"
  } finally {
    $store.Close()
  }
  return $entries
}

# ---------------------------------------------------------------------------------------------
# Registry: the 64-bit view, written out as regedit writes a .reg file
# ---------------------------------------------------------------------------------------------

function ConvertTo-RegString([string]$Text) {
  return $Text.Replace('\', '\\').Replace('"', '\"')
}

# hex:/hex(n): bytes, wrapped like regedit (a line ends with ",\" and goes on indented).
function Format-RegHex([string]$Prefix, [byte[]]$Bytes) {
  $sb = New-Object System.Text.StringBuilder
  $column = $Prefix.Length
  $null = $sb.Append($Prefix)
  for ($i = 0; $i -lt $Bytes.Length; $i++) {
    $item = $Bytes[$i].ToString('x2', $Invariant)
    if ($i -lt $Bytes.Length - 1) { $item += ',' }
    if ($column + $item.Length -gt 79 -and $i -gt 0) {
      $null = $sb.Append("\`r`n  ")
      $column = 2
    }
    $null = $sb.Append($item)
    $column += $item.Length
  }
  return $sb.ToString()
}

function Get-Utf16Bytes([string[]]$Strings, [bool]$Multi) {
  $stream = New-Object System.IO.MemoryStream
  foreach ($s in $Strings) {
    $bytes = [System.Text.Encoding]::Unicode.GetBytes($s + [char]0)
    $stream.Write($bytes, 0, $bytes.Length)
  }
  if ($Multi) { $stream.WriteByte(0); $stream.WriteByte(0) }
  return ,$stream.ToArray()
}

function Format-RegValue([Microsoft.Win32.RegistryKey]$Key, [string]$Name) {
  $label = if ($Name -eq '') { '@' } else { '"' + (ConvertTo-RegString $Name) + '"' }
  $kind = $Key.GetValueKind($Name)
  $value = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
  switch ($kind.ToString()) {
    'String' {
      $text = [string]$value
      if ($text.IndexOfAny([char[]]@("`r", "`n", [char]0)) -ge 0) {
        # regedit would break the file here; hex(1) keeps it one readable value.
        return Format-RegHex "$label=hex(1):" (Get-Utf16Bytes @($text) $false)
      }
      return "$label=`"$(ConvertTo-RegString $text)`""
    }
    'ExpandString' { return Format-RegHex "$label=hex(2):" (Get-Utf16Bytes @([string]$value) $false) }
    'MultiString' { return Format-RegHex "$label=hex(7):" (Get-Utf16Bytes ([string[]]$value) $true) }
    'DWord' { return "$label=dword:" + ([int]$value).ToString('x8', $Invariant) }
    'QWord' { return Format-RegHex "$label=hex(b):" ([BitConverter]::GetBytes([long]$value)) }
    'Binary' { return Format-RegHex "$label=hex:" ([byte[]]$value) }
    'None' {
      $bytes = if ($null -eq $value) { [byte[]]@() } else { [byte[]]$value }
      return Format-RegHex "$label=hex(0):" $bytes
    }
  }
  return "; value $label has a type this script does not write ($kind)"
}

# One key and everything under it, depth first, in regedit's layout.
function Add-RegKey([System.Text.StringBuilder]$Out, [Microsoft.Win32.RegistryKey]$Key, [string]$Path) {
  $null = $Out.Append("[$Path]`r`n")
  foreach ($name in $Key.GetValueNames()) {
    try {
      $null = $Out.Append((Format-RegValue $Key $name) + "`r`n")
    } catch {
      $null = $Out.Append("; value `"$(ConvertTo-RegString $name)`" could not be read: $($_.Exception.Message)`r`n")
    }
  }
  $null = $Out.Append("`r`n")
  foreach ($subName in $Key.GetSubKeyNames()) {
    $sub = $null
    try {
      $sub = $Key.OpenSubKey($subName, $false)
    } catch {
      $null = $Out.Append("; [$Path\$subName] could not be opened: $($_.Exception.Message)`r`n`r`n")
      continue
    }
    if ($null -eq $sub) { continue }
    try { Add-RegKey $Out $sub "$Path\$subName" } finally { $sub.Close() }
  }
}

# The .reg text of HKLM\<SubPath>, or $null with the reason recorded when the key is missing.
function Export-RegKey([string]$SubPath, [System.Collections.IDictionary]$Record) {
  $hklm = $null
  try {
    # Registry64 whatever the host's bitness: a 32-bit PowerShell (Intune's default) would
    # otherwise read WOW6432Node, where these keys do not exist.
    $hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine,
                                                       [Microsoft.Win32.RegistryView]::Registry64)
    $key = $hklm.OpenSubKey($SubPath, $false)
    if ($null -eq $key) {
      $Record.status = 'missing'
      return $null
    }
    try {
      $sb = New-Object System.Text.StringBuilder
      $null = $sb.Append("Windows Registry Editor Version 5.00`r`n`r`n")
      Add-RegKey $sb $key "HKEY_LOCAL_MACHINE\$SubPath"
      $Record.status = 'read'
      return $sb.ToString()
    } finally {
      $key.Close()
    }
  } catch {
    $Record.status = 'error'
    $Record.note = $_.Exception.Message
    return $null
  } finally {
    if ($null -ne $hklm) { $hklm.Close() }
  }
}

# ---------------------------------------------------------------------------------------------
# Agent logs: the records that name a certificate or the IDs, current and rotated files
# ---------------------------------------------------------------------------------------------

# The latest matching CMTrace records of one log (a record may span lines; it ends at ]LOG]!>).
# Opened with sharing: the agent keeps its log open for writing.
function Read-LogRecords([System.IO.FileInfo]$File) {
  $kept = New-Object System.Collections.Generic.Queue[string]
  $stream = New-Object System.IO.FileStream($File.FullName, [System.IO.FileMode]::Open,
    [System.IO.FileAccess]::Read, ([System.IO.FileShare]'ReadWrite, Delete'))
  try {
    $cut = $false
    if ($stream.Length -gt $MaxLogBytes) {
      $null = $stream.Seek(-$MaxLogBytes, [System.IO.SeekOrigin]::End)
      $cut = $true
    }
    $reader = New-Object System.IO.StreamReader($stream, [System.Text.Encoding]::UTF8, $true)
    if ($cut) { $null = $reader.ReadLine() }  # a partial first line
    $record = New-Object System.Text.StringBuilder
    while ($null -ne ($line = $reader.ReadLine())) {
      if ($record.Length -gt 0) {
        $null = $record.Append("`r`n").Append($line)
        if (-not $line.Contains(']LOG]!>') -and $record.Length -lt 65536) { continue }
        $text = $record.ToString()
        $null = $record.Clear()
      } elseif ($line.Contains('<![LOG[') -and -not $line.Contains(']LOG]!>')) {
        $null = $record.Append($line)
        continue
      } else {
        $text = $line
      }
      if ($text -match $LogPattern) {
        $kept.Enqueue($text)
        if ($kept.Count -gt $MaxRecordsPerLog) {
          $null = $kept.Dequeue()
          $script:logRecordsLeftOut++
        }
      }
    }
    $reader.Dispose()
  } finally {
    $stream.Dispose()
  }
  return ,([string[]]$kept.ToArray())
}

function Read-AgentLogs {
  $logs = @()
  $dir = Join-Path $env:ProgramData 'Microsoft\IntuneManagementExtension\Logs'
  if (-not (Test-Path -LiteralPath $dir)) {
    $script:problems += "no IME log folder at $dir"
    return $logs
  }
  $all = @(Get-ChildItem -LiteralPath $dir -Filter '*.log' -ErrorAction SilentlyContinue)
  $ime = @($all | Where-Object { $_.Name -match '^IntuneManagementExtension(-.*)?\.log$' } |
           Sort-Object LastWriteTimeUtc -Descending)
  $others = @($all | Where-Object { $_.Name -match '^(ClientHealth|HealthScripts|ClientCertCheck)\.log$' })
  if ($ime.Count -gt $MaxLogFiles) {
    $script:logFilesLeftOut = $ime.Count - $MaxLogFiles
    $ime = @($ime | Select-Object -First $MaxLogFiles)
  }
  # Oldest first, so the bundle reads in time order.
  foreach ($file in @(@($ime | Sort-Object LastWriteTimeUtc) + $others)) {
    try {
      $lines = Read-LogRecords $file
      if ($lines.Count -gt 0) {
        # @(): a fresh array. One returned whole from a function is wrapped, and Windows
        # PowerShell 5.1's ConvertTo-Json would write it as {"value": [...], "Count": n}.
        $logs += [pscustomobject][ordered]@{ name = $file.Name; lines = @($lines) }
      }
    } catch {
      $script:problems += "log $($file.Name) could not be read: $($_.Exception.Message)"
    }
  }
  return $logs
}

function Get-ImeVersion {
  $roots = @(${env:ProgramFiles(x86)}, $env:ProgramFiles) | Where-Object { $_ }
  foreach ($root in $roots) {
    $agent = Join-Path $root 'Microsoft Intune Management Extension\Microsoft.Management.Services.IntuneWindowsAgent.exe'
    if (Test-Path -LiteralPath $agent) {
      return (Get-Item -LiteralPath $agent).VersionInfo.FileVersion
    }
  }
  return $null
}

# ---------------------------------------------------------------------------------------------
# Remediation mode: one facts token (ime-cert-inspector/facts/v1, see docs/facts-v1.md)
# ---------------------------------------------------------------------------------------------

$FactsSchema = 'ime-cert-inspector/facts/v1'
$MaxTokenLength = 2048          # Intune keeps at most 2,048 characters of the output line
$IntuneArc = '1.2.840.113556.'
$UnixEpoch = New-Object DateTime(1970, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)

function ConvertTo-UnixSeconds([DateTime]$Utc) {
  return [long][Math]::Floor(($Utc - $UnixEpoch).TotalSeconds)
}

# Keys differ only by case ("i" and "I"): PowerShell's [ordered] ignores case, this does not.
function New-JsonObject {
  return ,(New-Object System.Collections.Specialized.OrderedDictionary([StringComparer]::Ordinal))
}

function Get-CommonName([string]$DistinguishedName) {
  if ($DistinguishedName -match '(?:^|,\s*)CN=("(?:[^"]|"")*"|[^,]*)') {
    $cn = $Matches[1].Trim()
    if ($cn.StartsWith('"') -and $cn.EndsWith('"') -and $cn.Length -ge 2) {
      $cn = $cn.Substring(1, $cn.Length - 2).Replace('""', '"')
    }
    return $cn
  }
  return $null
}

function ConvertTo-Thumbprint([string]$Text) {
  if (-not $Text) { return $null }
  $hex = ($Text -replace '[^0-9A-Fa-f]', '').ToUpperInvariant()
  if ($hex.Length -eq 40) { return $hex }
  return $null
}

# A DWORD as the registry holds it (Int32 in .NET) or as text ("0x80180010", "-2145910768").
function ConvertTo-UInt32($Value) {
  if ($Value -is [int]) { return [BitConverter]::ToUInt32([BitConverter]::GetBytes([int]$Value), 0) }
  if ($Value -is [string]) {
    $t = $Value.Trim()
    $n = [long]0
    if ($t -match '^0[xX]([0-9A-Fa-f]{1,8})$') { return [Convert]::ToUInt32($Matches[1], 16) }
    if ([long]::TryParse($t, [Globalization.NumberStyles]::AllowLeadingSign, $Invariant, [ref]$n) -and
        $n -ge [int]::MinValue -and $n -le [uint32]::MaxValue) {
      if ($n -lt 0) { return [BitConverter]::ToUInt32([BitConverter]::GetBytes([int]$n), 0) }
      return [uint32]$n
    }
  }
  return $null
}

function Get-RegText([Microsoft.Win32.RegistryKey]$Key, [string]$Name) {
  $value = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
  if ($null -eq $value) { return $null }
  if ($value -is [string[]]) { if ($value.Count -gt 0) { return $value[0] } else { return $null } }
  return [string]$value
}

# CertMetadata\ValidatedTime as RFC 3339 UTC with all 7 fraction digits, as the bundle reader
# reads it from a .reg (ISO text, invariant MM/dd/yyyy text, .NET ticks or a FILETIME).
function ConvertTo-MetadataTime($Value) {
  $utc = $null
  if ($Value -is [byte[]] -and $Value.Length -eq 8) { $Value = [BitConverter]::ToInt64($Value, 0) }
  if ($Value -is [string[]] -and $Value.Count -gt 0) { $Value = $Value[0] }
  if ($Value -is [long]) {
    if ($Value -ge 504911232000000000) { $utc = New-Object DateTime($Value, [DateTimeKind]::Utc) }
    elseif ($Value -ge 0) { $utc = [DateTime]::FromFileTimeUtc($Value) }
  } elseif ($Value -is [string]) {
    $formats = [string[]]@("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", 'MM/dd/yyyy HH:mm:ss')
    try {
      $utc = [DateTime]::ParseExact($Value.Trim(), $formats, $Invariant,
        [Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
    } catch {
      $utc = $null
    }
  }
  if ($null -eq $utc) { return $null }
  return $utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", $Invariant)
}

function Test-GuidName([string]$Name) {
  return $Name -match '^\{?[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}\}?$'
}

# The registry values the rules read (e, a, m of the facts), from the 64-bit view.
function Read-RegistryFacts {
  $out = @{ e = $null; a = $null; m = $null }
  $hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine,
                                                     [Microsoft.Win32.RegistryView]::Registry64)
  try {
    $root = $hklm.OpenSubKey('SOFTWARE\Microsoft\Enrollments', $false)
    if ($null -ne $root) {
      $list = @()
      foreach ($name in @($root.GetSubKeyNames() | Where-Object { Test-GuidName $_ })) {
        $key = $root.OpenSubKey($name, $false)
        if ($null -eq $key) { continue }
        $e = New-JsonObject
        $e['k'] = $name
        $p = Get-RegText $key 'ProviderID'
        if ($p) { $e['p'] = $p }
        $d = Get-RegText $key 'DMPCertThumbPrint'
        if ($d) { $e['d'] = $d }
        $id = Get-RegText $key 'EntDMID'
        if (-not $id) {
          $dm = $key.OpenSubKey('DMClient\MS DM Server', $false)
          if ($null -ne $dm) { $id = Get-RegText $dm 'EntDMID'; $dm.Close() }
        }
        if ($id) { $e['id'] = $id }
        $r = ConvertTo-UInt32 $key.GetValue('RenewErrorCode')
        if ($null -ne $r) { $e['r'] = $r }
        $ty = ConvertTo-UInt32 $key.GetValue('EnrollmentType')
        if ($null -ne $ty) { $e['ty'] = $ty }
        $key.Close()
        $list += ,$e
      }
      $root.Close()
      $out.e = $list
    }
    $root = $hklm.OpenSubKey('SOFTWARE\Microsoft\Provisioning\OMADM\Accounts', $false)
    if ($null -ne $root) {
      $list = @()
      foreach ($name in @($root.GetSubKeyNames() | Where-Object { Test-GuidName $_ })) {
        $key = $root.OpenSubKey($name, $false)
        if ($null -eq $key) { continue }
        $a = New-JsonObject
        $a['k'] = $name
        $ref = Get-RegText $key 'SslClientCertReference'
        if ($ref) { $a['ref'] = $ref }
        $key.Close()
        $list += ,$a
      }
      $root.Close()
      $out.a = $list
    }
    $key = $hklm.OpenSubKey('SOFTWARE\Microsoft\IntuneManagementExtension\CertMetadata', $false)
    if ($null -ne $key) {
      $m = New-JsonObject
      $t = Get-RegText $key 'Thumbprint'
      if ($t) { $m['t'] = $t }
      $raw = $key.GetValue('ValidatedTime', $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
      if ($null -ne $raw) {
        $v = ConvertTo-MetadataTime $raw
        if ($v) { $m['v'] = $v }
        elseif ($raw -is [string]) { $m['vr'] = $raw }
        else { $m['vr'] = "$($raw.GetType().Name) value" }
      }
      $s = Get-RegText $key 'Subject'
      if ($s) { $m['s'] = $s }
      $key.Close()
      if ($m.Count -gt 0) { $out.m = $m }
    }
  } finally {
    $hklm.Close()
  }
  return $out
}

# The log's conclusions: the latest certificate in use, set and count, the IDs, the version.
function Get-LogSummary($Logs) {
  $latest = @{ u = $null; s = $null; n = $null }
  $summary = New-JsonObject
  $last = $null
  foreach ($log in $Logs) {
    foreach ($record in $log.lines) {
      $message = $record
      if ($record -match '(?s)<!\[LOG\[(.*)\]LOG\]!>') { $message = $Matches[1] }
      $seen = New-JsonObject
      $kind = $null
      if ($message -match 'Add MdmDeviceCertificate\s+([0-9A-Fa-f]{40})') { $kind = 'u'; $seen['t'] = $Matches[1].ToUpperInvariant() }
      elseif ($message -match 'Set MdmDeviceCertificate\s*:\s*([0-9A-Fa-f]{40})') { $kind = 's'; $seen['t'] = $Matches[1].ToUpperInvariant() }
      elseif ($message -match 'Fi(?:nd|ound)\s+(\d{1,9})\s+MDM certificates') { $kind = 'n'; $seen['c'] = [long]$Matches[1] }
      if ($message -match 'Agent version is:?\s*(\d+(?:\.\d+){1,3})') { $summary['v'] = $Matches[1] }
      if ($message -match 'Account ID is\s*:\s*([0-9A-Fa-f-]{36})') { $summary['acc'] = $Matches[1] }
      if ($message -match 'Device Id is\s*:\s*([0-9A-Fa-f-]{36})') { $summary['dev'] = $Matches[1] }
      if ($null -eq $kind) { continue }
      if ($record -match 'time="(\d{1,2}):(\d\d):(\d\d)(\.\d{1,7})?([+-]\d{1,4})?"\s+date="(\d{1,2})-(\d{1,2})-(\d{4})"') {
        $fraction = if ($Matches[4]) { $Matches[4].PadRight(8, '0') } else { '.0000000' }
        $seen['lt'] = '{0}-{1}-{2}T{3}:{4}:{5}{6}' -f $Matches[8], $Matches[6].PadLeft(2, '0'),
          $Matches[7].PadLeft(2, '0'), $Matches[1].PadLeft(2, '0'), $Matches[2], $Matches[3], $fraction
        if ($Matches[5]) {
          # CMTrace's bias: UTC = local + bias minutes.
          $local = [DateTime]::ParseExact($seen['lt'], "yyyy-MM-dd'T'HH:mm:ss.fffffff", $Invariant)
          $seen['utc'] = ConvertTo-UnixSeconds ($local.AddMinutes([int]$Matches[5]))
        }
      }
      $seen['f'] = $log.name
      $previous = $latest[$kind]
      if ($null -eq $previous -or -not $seen.Contains('lt') -or -not $previous.Contains('lt') -or
          [string]::CompareOrdinal($seen['lt'], $previous['lt']) -ge 0) {
        $latest[$kind] = $seen
        $last = $kind
      }
    }
  }
  foreach ($kind in @('u', 's', 'n')) {
    if ($null -ne $latest[$kind]) { $summary[$kind] = $latest[$kind] }
  }
  # Only where times cannot order them does the reader need to be told which came last.
  $untimed = @(@('u', 's', 'n') | Where-Object { $null -ne $latest[$_] -and -not $latest[$_].Contains('lt') })
  if ($null -ne $last -and $untimed.Count -gt 0) { $summary['last'] = $last }
  if ($summary.Count -eq 0) { return $null }
  return ,$summary
}

function ConvertTo-FactsToken($Facts) {
  $json = $Facts | ConvertTo-Json -Depth 8 -Compress
  $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
  $buffer = New-Object System.IO.MemoryStream
  $deflate = New-Object System.IO.Compression.DeflateStream($buffer, [System.IO.Compression.CompressionLevel]::Optimal)
  $deflate.Write($bytes, 0, $bytes.Length)
  $deflate.Dispose()
  $base64 = [Convert]::ToBase64String($buffer.ToArray())
  return 'IMECERT1:' + $base64.TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

# The facts of this device as one IMECERT1: line of at most 2,048 characters: the least relevant
# certificates are left out first (counted in "cut"), as docs/facts-v1.md orders them.
function New-FactsLine($Certificates, [long]$At, $Logs, [int]$UtcOffset) {
  $registryFacts = Read-RegistryFacts
  $log = Get-LogSummary $Logs
  # Thumbprints something names: those certificates are carried whatever they hold, cut last.
  $names = @()
  foreach ($e in @($registryFacts.e)) { if ($null -ne $e -and $e.Contains('d')) { $names += $e['d'] } }
  foreach ($a in @($registryFacts.a)) { if ($null -ne $a -and $a.Contains('ref')) { $names += ($a['ref'] -replace '^.*;', '') } }
  if ($null -ne $registryFacts.m -and $registryFacts.m.Contains('t')) { $names += $registryFacts.m['t'] }
  if ($null -ne $log) {
    foreach ($k in @('u', 's')) { if ($log.Contains($k) -and $log[$k].Contains('t')) { $names += $log[$k]['t'] } }
  }
  $named = @{}
  foreach ($name in $names) {
    $t = ConvertTo-Thumbprint $name
    if ($t) { $named[$t] = $true }
  }

  $others = [ordered]@{ m = 0; u = 0; x = 0 }
  $candidates = @()
  foreach ($entry in $Certificates) {
    $store = if ($entry.store -eq 'LocalMachine\My') { 'm' } elseif ($entry.store_owner -eq 'SYSTEM') { 'u' } else { 'x' }
    $cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2(,[Convert]::FromBase64String($entry.der_base64))
    $x = New-JsonObject
    foreach ($ext in $cert.Extensions) {
      if ($ext.Oid.Value.StartsWith($IntuneArc)) { $x[$ext.Oid.Value.Substring($IntuneArc.Length)] = [Convert]::ToBase64String($ext.RawData) }
    }
    $thumbprint = $cert.Thumbprint.ToUpperInvariant()
    $issuerCn = Get-CommonName $cert.Issuer
    $isNamed = $named.ContainsKey($thumbprint)
    if ($store -eq 'x' -or -not ($x.Count -gt 0 -or $issuerCn -eq 'Microsoft Intune MDM Device CA' -or $isNamed)) {
      $others[$store]++
      continue
    }
    $c = New-JsonObject
    $c['t'] = $thumbprint
    $subjectCn = Get-CommonName $cert.Subject
    if ($subjectCn) { $c['s'] = $subjectCn }
    if ($issuerCn) { $c['i'] = $issuerCn }
    if ($x.Contains('5.6') -and $cert.Issuer -ne "CN=$issuerCn") { $c['I'] = $cert.Issuer }
    $c['nb'] = ConvertTo-UnixSeconds $cert.NotBefore.ToUniversalTime()
    $c['na'] = ConvertTo-UnixSeconds $cert.NotAfter.ToUniversalTime()
    $c['st'] = $store
    $c['k'] = $entry.private_key.Substring(0, 1)
    if ($entry.key_provider) { $c['kp'] = $entry.key_provider }
    if ($x.Count -gt 0) { $c['x'] = $x }
    $rank = if ($isNamed) { 4 } elseif (-not $x.Contains('5.6')) { 1 } elseif ($c['na'] -lt $At) { 2 } else { 3 }
    $candidates += [pscustomobject]@{ Facts = $c; Rank = $rank; Age = $(if ($rank -le 2) { $c['na'] } else { $c['nb'] }) }
  }

  $facts = New-JsonObject
  $facts['schema'] = $FactsSchema
  $facts['dev'] = $env:COMPUTERNAME
  $facts['at'] = $At
  $facts['tz'] = $UtcOffset
  $facts['c'] = @()
  $facts['o'] = $others
  if ($null -ne $registryFacts.e) { $facts['e'] = @($registryFacts.e) }
  if ($null -ne $registryFacts.a) { $facts['a'] = @($registryFacts.a) }
  if ($null -ne $registryFacts.m) { $facts['m'] = $registryFacts.m }
  if ($null -ne $log) { $facts['l'] = $log }

  # Least relevant first: ranks 1-3 unnamed, then (after the extra extensions go) the named.
  $dropOrder = @($candidates | Sort-Object -Property @('Rank', 'Age'))
  $kept = @($candidates)
  $cut = 0
  $strippedExtras = $false
  while ($true) {
    $facts['c'] = @($kept | ForEach-Object { $_.Facts })
    if ($cut -gt 0) { $facts['cut'] = $cut }
    $line = ConvertTo-FactsToken $facts
    if ($line.Length -le $MaxTokenLength -or $kept.Count -eq 0) { return $line }
    $next = $dropOrder[$cut]
    if ($next.Rank -eq 4 -and -not $strippedExtras) {
      # Shown, not judged: extensions other than 5.4 and 5.6 go before any named certificate.
      foreach ($k in $kept) {
        if (-not $k.Facts.Contains('x')) { continue }
        $slim = New-JsonObject
        foreach ($oid in @('5.4', '5.6')) { if ($k.Facts['x'].Contains($oid)) { $slim[$oid] = $k.Facts['x'][$oid] } }
        $k.Facts['x'] = $slim
      }
      $strippedExtras = $true
      continue
    }
    $kept = @($kept | Where-Object { -not [object]::ReferenceEquals($_, $next) })
    $cut++
  }
}

# ---------------------------------------------------------------------------------------------
# Output: the only things this script writes
# ---------------------------------------------------------------------------------------------

# The default folder, Administrators and SYSTEM only (the bundle holds UPNs and IDs).
function Initialize-OutputFolder([string]$OutputFolder) {
  if (-not (Test-Path -LiteralPath $OutputFolder)) {
    $null = New-Item -ItemType Directory -Path $OutputFolder
  }
  $acl = New-Object System.Security.AccessControl.DirectorySecurity
  $acl.SetAccessRuleProtection($true, $false)
  foreach ($sid in @('S-1-5-18', 'S-1-5-32-544')) {
    $who = New-Object System.Security.Principal.SecurityIdentifier($sid)
    $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($who, 'FullControl',
      'ContainerInherit, ObjectInherit', 'None', 'Allow')
    $acl.AddAccessRule($rule)
  }
  Set-Acl -LiteralPath $OutputFolder -AclObject $acl
}

# A scheduled Remediation must not pile up one file per run: keep the latest few.
function Remove-OldBundles([string]$OutputFolder) {
  Get-ChildItem -LiteralPath $OutputFolder -Filter 'imecert-*.json' -File |
    Sort-Object LastWriteTimeUtc -Descending |
    Select-Object -Skip $KeepBundles |
    Remove-Item -Force -ErrorAction SilentlyContinue
}

# The one line a run prints on standard output (a Remediation keeps the last line it prints).
function Write-ResultLine([string]$Line) {
  Write-Output $Line
}

function Write-Bundle([string]$Path, [string]$Json) {
  [System.IO.File]::WriteAllText($Path, $Json, (New-Object System.Text.UTF8Encoding($false)))
}

# ---------------------------------------------------------------------------------------------
# Collect
# ---------------------------------------------------------------------------------------------

$problems = @()
$logRecordsLeftOut = 0
$logFilesLeftOut = 0

$certificates = @(Read-CertificateStore 'My' 'LocalMachine' 'SYSTEM') +
                @(Read-CertificateStore 'My' 'CurrentUser' $userOwner)

$logs = @(Read-AgentLogs)
$timeZone = [System.TimeZoneInfo]::Local
# Minutes the device's clock is ahead of UTC now: IME log times are local and carry no offset.
$utcOffset = [int][Math]::Round($timeZone.GetUtcOffset($nowUtc).TotalMinutes)

if ($Remediation) {
  # Standard output gets the token line and nothing else; no file is written.
  try {
    $line = New-FactsLine $certificates (ConvertTo-UnixSeconds $nowUtc) $logs $utcOffset
  } catch {
    [Console]::Error.WriteLine("collect-imecert: no facts token: $($_.Exception.Message)")
    exit 1
  }
  Write-ResultLine $line
  exit 0
}

$registry = @()
$keyRecords = @()
foreach ($item in $KeysToRead) {
  $record = [ordered]@{ path = "HKEY_LOCAL_MACHINE\$($item.Path)"; status = 'error'; note = $null }
  $text = Export-RegKey $item.Path $record
  if ($null -ne $text) {
    $registry += [pscustomobject][ordered]@{ name = $item.Name; text = $text }
  }
  $keyRecords += [pscustomobject]$record
}
$edition = if ($PSVersionTable.ContainsKey('PSEdition')) { [string]$PSVersionTable.PSEdition } else { 'Desktop' }

$bundle = [ordered]@{
  schema             = $BundleSchema
  collected_at       = Format-UtcTime $nowUtc
  device             = $env:COMPUTERNAME
  certificates       = @($certificates)
  registry           = @($registry)
  logs               = @($logs)
  ime_version        = Get-ImeVersion
  utc_offset_minutes = $utcOffset
  time_zone          = $timeZone.Id
  collector          = [ordered]@{
    script             = 'collect-imecert.ps1'
    version            = $ScriptVersion
    powershell_version = $PSVersionTable.PSVersion.ToString()
    powershell_edition = $edition
    process_64bit      = [Environment]::Is64BitProcess
    os_64bit           = [Environment]::Is64BitOperatingSystem
    os_version         = [Environment]::OSVersion.Version.ToString()
    run_as_system      = $isSystem
    elevated           = $isElevated
    registry_view      = 'Registry64'
    registry_keys      = @($keyRecords)
    log_files_left_out = $logFilesLeftOut
    log_records_left_out = $logRecordsLeftOut
    problems           = @($problems)
  }
  assumptions        = [ordered]@{ evaluated_at = $null }
}

$defaultFolder = Join-Path $env:ProgramData 'ime-cert-inspector'
if ($OutFile) {
  $OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
} else {
  try {
    Initialize-OutputFolder $defaultFolder
  } catch {
    [Console]::Error.WriteLine("collect-imecert: could not prepare $defaultFolder : $($_.Exception.Message)")
    exit 1
  }
  $stamp = $nowUtc.ToString('yyyyMMdd-HHmmss', $Invariant)
  $OutFile = Join-Path $defaultFolder "imecert-$($env:COMPUTERNAME)-$stamp.json"
}
try {
  Write-Bundle $OutFile ($bundle | ConvertTo-Json -Depth 8)
} catch {
  [Console]::Error.WriteLine("collect-imecert: could not write $OutFile : $($_.Exception.Message)")
  exit 1
}
if ($OutFile.StartsWith($defaultFolder + '\', [StringComparison]::OrdinalIgnoreCase)) {
  Remove-OldBundles $defaultFolder
}

$mdmOid = '1.2.840.113556.5.6'
$mdm = @($certificates | Where-Object {
  $c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2(,[Convert]::FromBase64String($_.der_base64))
  $null -ne ($c.Extensions | Where-Object { $_.Oid.Value -eq $mdmOid })
})
$noKey = @($mdm | Where-Object { $_.private_key -ne 'present' }).Count
$found = @($keyRecords | Where-Object { $_.status -eq 'read' }).Count
Write-ResultLine ("imecert: {0} MDM cert(s), {1} without a usable key, {2} of {3} registry keys, {4} log(s); bundle {5}" -f
  $mdm.Count, $noKey, $found, $keyRecords.Count, $logs.Count, $OutFile)
exit 0
