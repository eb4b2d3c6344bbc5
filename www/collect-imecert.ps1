<#
.SYNOPSIS
  Collects what ime-cert-inspector needs from this device into one bundle file. Read-only.

.DESCRIPTION
  Reads the MDM client certificates from Cert:\LocalMachine\My and the CurrentUser\My store the
  Intune Management Extension sees (SYSTEM's), tests whether each private key really opens, exports
  the enrollment, OMA-DM and IME cert-picker registry keys, the IME version and the agent log lines
  that name the certificate it chose. Writes one JSON bundle (schema
  ime-cert-inspector/scenario/v1) and prints its path. No network, no changes to the machine
  (temporary .reg exports are deleted).

  Run elevated. To see SYSTEM's CurrentUser\My, run it as SYSTEM: as an Intune platform script or
  Remediation (detection script), or once with a SYSTEM scheduled task. Works in Windows
  PowerShell 5.1 and PowerShell 7.

.PARAMETER OutFile
  Where to write the bundle. Default: the Desktop when interactive, otherwise
  %ProgramData%\ime-cert-inspector\imecert-<device>-<time>.json.
#>
[CmdletBinding()]
param([string]$OutFile)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
$isSystem = $identity.User.Value -eq 'S-1-5-18'
$owner = if ($isSystem) { 'SYSTEM' } else { $identity.Name }
$now = (Get-Date).ToUniversalTime()

function Test-KeyOpens([System.Security.Cryptography.X509Certificates.X509Certificate2]$Cert) {
  # HasPrivateKey only says a key is linked; after a TPM clear the link stays but the key is gone.
  $result = @{ private_key = 'absent'; key_provider = $null; key_note = $null }
  if (-not $Cert.HasPrivateKey) { return $result }
  try {
    $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Cert)
    if ($null -eq $key) {
      $key = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Cert)
    }
    if ($null -eq $key) { throw 'no RSA or ECDSA key' }
    if ($key -is [System.Security.Cryptography.RSACng] -or $key -is [System.Security.Cryptography.ECDsaCng]) {
      $result.key_provider = $key.Key.Provider.Provider
    } elseif ($key.PSObject.Properties['CspKeyContainerInfo']) {
      $result.key_provider = $key.CspKeyContainerInfo.ProviderName
    }
    $result.private_key = 'present'
  } catch {
    $result.key_note = "HasPrivateKey is true but the key does not open: $($_.Exception.Message)"
  }
  return $result
}

$certificates = @()
foreach ($store in @(@{ Path = 'Cert:\LocalMachine\My'; Name = 'LocalMachine\My'; Owner = 'SYSTEM' },
                     @{ Path = 'Cert:\CurrentUser\My'; Name = 'CurrentUser\My'; Owner = $owner })) {
  foreach ($cert in Get-ChildItem -Path $store.Path -ErrorAction SilentlyContinue) {
    $key = Test-KeyOpens $cert
    $entry = [ordered]@{
      store         = $store.Name
      der_base64    = [Convert]::ToBase64String($cert.RawData)
      private_key   = $key.private_key
      key_provider  = $key.key_provider
      friendly_name = $cert.FriendlyName
      store_owner   = $store.Owner
    }
    if ($key.key_note) { $entry.key_note = $key.key_note }
    $certificates += [pscustomobject]$entry
  }
}

$registry = @()
$keys = @('HKLM\SOFTWARE\Microsoft\Enrollments',
          'HKLM\SOFTWARE\Microsoft\Provisioning\OMADM\Accounts',
          'HKLM\SOFTWARE\Microsoft\IntuneManagementExtension\CertMetadata')
foreach ($key in $keys) {
  $tmp = Join-Path $env:TEMP ("imecert-" + [guid]::NewGuid().ToString() + '.reg')
  try {
    & reg.exe export $key $tmp /y *> $null
    if ($LASTEXITCODE -eq 0 -and (Test-Path $tmp)) {
      $registry += [pscustomobject][ordered]@{
        name = ($key -replace '^HKLM\\SOFTWARE\\Microsoft\\', '' -replace '\\', '-') + '.reg'
        text = [IO.File]::ReadAllText($tmp)
      }
    }
  } finally {
    Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
  }
}

$imeVersion = $null
$agent = Join-Path ${env:ProgramFiles(x86)} 'Microsoft Intune Management Extension\Microsoft.Management.Services.IntuneWindowsAgent.exe'
if (Test-Path $agent) { $imeVersion = (Get-Item $agent).VersionInfo.FileVersion }

$logs = @()
$logDir = Join-Path $env:ProgramData 'Microsoft\IntuneManagementExtension\Logs'
$pattern = 'Set MdmDeviceCertificate|Find 0 MDM certificates'
foreach ($log in Get-ChildItem -Path $logDir -Filter '*.log' -ErrorAction SilentlyContinue |
         Where-Object { $_.Name -match '^(IntuneManagementExtension|ClientHealth|HealthScripts|ClientCertCheck)' }) {
  $lines = @(Select-String -LiteralPath $log.FullName -Pattern $pattern -ErrorAction SilentlyContinue |
             ForEach-Object { $_.Line })
  if ($lines.Count -gt 0) { $logs += [pscustomobject][ordered]@{ name = $log.Name; lines = $lines } }
}

$bundle = [ordered]@{
  schema       = 'ime-cert-inspector/scenario/v1'
  collected_at = $now.ToString('yyyy-MM-ddTHH:mm:ssZ')
  device       = $env:COMPUTERNAME
  certificates = @($certificates)
  registry     = @($registry)
  logs         = @($logs)
  ime_version  = $imeVersion
  assumptions  = [ordered]@{ evaluated_at = $null }
}

if (-not $OutFile) {
  $name = "imecert-$($env:COMPUTERNAME)-$($now.ToString('yyyyMMdd-HHmmss')).json"
  $dir = if ([Environment]::UserInteractive -and -not $isSystem) { [Environment]::GetFolderPath('Desktop') }
         else { Join-Path $env:ProgramData 'ime-cert-inspector' }
  if (-not (Test-Path $dir)) { New-Item -ItemType Directory -Path $dir | Out-Null }
  $OutFile = Join-Path $dir $name
}
$json = $bundle | ConvertTo-Json -Depth 6
[IO.File]::WriteAllText($OutFile, $json, (New-Object System.Text.UTF8Encoding($false)))

$mdm = @($certificates | Where-Object {
  $c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2(,[Convert]::FromBase64String($_.der_base64))
  $null -ne ($c.Extensions | Where-Object { $_.Oid.Value -eq '1.2.840.113556.5.6' })
})
$noKey = @($mdm | Where-Object { $_.private_key -ne 'present' }).Count
# One line, short enough for a Remediation's output column.
Write-Output ("imecert: {0} MDM cert(s), {1} without a usable key, {2} registry export(s), {3} log(s); bundle {4}" -f `
  $mdm.Count, $noKey, $registry.Count, $logs.Count, $OutFile)
