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
        $logs += [pscustomobject][ordered]@{ name = $file.Name; lines = $lines }
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

$logs = @(Read-AgentLogs)
$timeZone = [System.TimeZoneInfo]::Local
$edition = if ($PSVersionTable.ContainsKey('PSEdition')) { [string]$PSVersionTable.PSEdition } else { 'Desktop' }

$bundle = [ordered]@{
  schema             = $BundleSchema
  collected_at       = Format-UtcTime $nowUtc
  device             = $env:COMPUTERNAME
  certificates       = @($certificates)
  registry           = @($registry)
  logs               = @($logs)
  ime_version        = Get-ImeVersion
  # Minutes the device's clock is ahead of UTC now: IME log times are local and carry no offset.
  utc_offset_minutes = [int][Math]::Round($timeZone.GetUtcOffset($nowUtc).TotalMinutes)
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

if ($Remediation) {
  # Filled in against docs/facts-v1.md; until then the mode says plainly that it has no token.
  [Console]::Error.WriteLine('collect-imecert: -Remediation is not available in this version')
  exit 1
}

$defaultFolder = Join-Path $env:ProgramData 'ime-cert-inspector'
if ($OutFile) {
  $OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
} else {
  Initialize-OutputFolder $defaultFolder
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
Write-Output ("imecert: {0} MDM cert(s), {1} without a usable key, {2} of {3} registry keys, {4} log(s); bundle {5}" -f
  $mdm.Count, $noKey, $found, $keyRecords.Count, $logs.Count, $OutFile)
exit 0
