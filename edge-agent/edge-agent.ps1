<#
.SYNOPSIS
    Installs, removes or shows the Tick Engine edge agent as a Windows scheduled task.

.DESCRIPTION
    install    Registers the scheduled task "TickEngine Edge Agent": it starts at boot, runs
               java -jar edge-agent.jar run --config edge-agent.properties as SYSTEM (or -User), starts the agent
               again whenever it exits, and Task Scheduler restarts the task itself if it fails. Creates the EA key
               file (showing the new key once) and the engine key file (asking for the key), both readable only by
               the task's account and Administrators. Run from an elevated PowerShell.
    uninstall  Stops and removes the task. The buffer, the key files and the configuration stay.
    status     Shows the task's state and `edge-agent status` (backlog, last success, last error, rate).
    run        What the task runs: the agent in a loop, output appended to logs\edge-agent.log. Not for by hand.

    Files, all beside this script unless given: edge-agent.jar, edge-agent.properties, logs\.
    See docs/edge-agent.md.

.EXAMPLE
    .\edge-agent.ps1 install
.EXAMPLE
    .\edge-agent.ps1 install -User 'TRADER01\mt5' -Java 'C:\Program Files\Eclipse Adoptium\jdk-21\bin\java.exe'
.EXAMPLE
    .\edge-agent.ps1 status
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [ValidateSet('install', 'uninstall', 'status', 'run')]
    [string] $Action,

    # The properties file the agent reads.
    [string] $Config = (Join-Path $PSScriptRoot 'edge-agent.properties'),

    # java.exe (17 or newer); by default the one on PATH.
    [string] $Java = '',

    # Run the task as this account (asks for its password) instead of SYSTEM.
    [string] $User = '',

    [string] $TaskName = 'TickEngine Edge Agent'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Jar = Join-Path $PSScriptRoot 'edge-agent.jar'
$LogDir = Join-Path $PSScriptRoot 'logs'
$Log = Join-Path $LogDir 'edge-agent.log'
$MaxLogBytes = 20MB
# Well-known SIDs, so the ACLs do not depend on the language of Windows.
$SystemSid = '*S-1-5-18'
$AdministratorsSid = '*S-1-5-32-544'

function Get-JavaPath {
    if ($Java) {
        if (-not (Test-Path -LiteralPath $Java)) { throw "java not found: $Java" }
        return (Resolve-Path -LiteralPath $Java).Path
    }
    $command = Get-Command java.exe -ErrorAction SilentlyContinue
    if (-not $command) { throw 'java.exe is not on PATH: install a JDK or JRE 17+ or pass -Java C:\...\bin\java.exe' }
    return $command.Source
}

# key=value lines of a Java properties file (no line continuations; '#' and '!' start comments).
function Read-Properties([string] $Path) {
    $properties = @{}
    foreach ($line in Get-Content -LiteralPath $Path) {
        $trimmed = $line.Trim()
        if ($trimmed -eq '' -or $trimmed.StartsWith('#') -or $trimmed.StartsWith('!')) { continue }
        $eq = $trimmed.IndexOf('=')
        if ($eq -gt 0) { $properties[$trimmed.Substring(0, $eq).Trim()] = $trimmed.Substring($eq + 1).Trim() }
    }
    return $properties
}

# Only the task's account and Administrators may read the file; inherited permissions are removed.
function Protect-File([string] $Path, [string] $Account) {
    & icacls.exe $Path /inheritance:r /grant:r "${Account}:(R)" "${AdministratorsSid}:(F)" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls failed on $Path (exit $LASTEXITCODE)" }
}

function New-Directory([string] $Path) {
    if (-not (Test-Path -LiteralPath $Path)) { New-Item -ItemType Directory -Path $Path | Out-Null }
}

# A new EA key (te_ + 32 random bytes, URL-safe Base64) and the key-file line holding only its SHA-256 digest,
# the same format as the engine's key files.
function New-EaKey {
    $bytes = New-Object byte[] 32
    $random = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    $random.GetBytes($bytes)
    $key = 'te_' + [Convert]::ToBase64String($bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
    $sha256 = [System.Security.Cryptography.SHA256]::Create()
    $digest = $sha256.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($key))
    $hex = -join ($digest | ForEach-Object { $_.ToString('x2') })
    return @{ Key = $key; Line = "sha256:$hex=ingest" }
}

function Assert-Administrator {
    $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'run this from an elevated PowerShell (Run as administrator)'
    }
}

function Install-Agent {
    Assert-Administrator
    if (-not (Test-Path -LiteralPath $Jar)) { throw "edge-agent.jar not found beside this script: $Jar" }
    if (-not (Test-Path -LiteralPath $Config)) {
        Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'edge-agent.properties.example') -Destination $Config
        throw "created $Config from the example: set engine.url (and paths) in it, then run install again"
    }
    $javaExe = Get-JavaPath
    $properties = Read-Properties $Config
    if (-not $properties.ContainsKey('engine.url')) { throw "engine.url is not set in $Config" }
    $account = $SystemSid
    $credential = $null
    if ($User) {
        $credential = Get-Credential -UserName $User -Message "Password of $User, the account the agent runs as"
        $account = $User
    }

    $writable = @($LogDir)
    if ($properties.ContainsKey('agent.data.dir')) { $writable += $properties['agent.data.dir'] }
    foreach ($dir in $writable) {
        New-Directory $dir
        if ($User) {
            # SYSTEM may write anywhere; another account needs the buffer and log folders granted.
            & icacls.exe $dir /grant "${User}:(OI)(CI)M" | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "icacls failed on $dir (exit $LASTEXITCODE)" }
        }
    }

    $eaKeyFile = $properties['agent.api.key.file']
    if ($eaKeyFile -and -not (Test-Path -LiteralPath $eaKeyFile)) {
        New-Directory (Split-Path -Parent $eaKeyFile)
        $eaKey = New-EaKey
        Set-Content -LiteralPath $eaKeyFile -Encoding ASCII -Value @(
            '# Digests of the keys an EA may use (X-API-Key). Add lines: sha256:<hex>=ingest or <key>=ingest.',
            $eaKey.Line)
        Protect-File $eaKeyFile $account
        Write-Host "EA key (shown once, only its digest is stored in $eaKeyFile):"
        Write-Host "    $($eaKey.Key)"
        Write-Host 'Put it in the EA inputs (X-API-Key) for http://127.0.0.1:18000/ingest/tick.'
    }

    $engineKeyFile = $properties['engine.api.key.file']
    if ($engineKeyFile -and -not (Test-Path -LiteralPath $engineKeyFile)) {
        New-Directory (Split-Path -Parent $engineKeyFile)
        $secure = Read-Host -AsSecureString "Engine API key (ingest scope) for $($properties['engine.url'])"
        $plain = (New-Object System.Net.NetworkCredential('', $secure)).Password
        if (-not $plain) { throw 'no engine key given' }
        Set-Content -LiteralPath $engineKeyFile -Encoding ASCII -Value $plain
        Protect-File $engineKeyFile $account
        Write-Host "engine key stored in $engineKeyFile (readable by $account and Administrators only)"
    } elseif (-not $engineKeyFile) {
        Write-Warning 'engine.api.key.file is not set: the task must get EDGE_ENGINE_API_KEY from its environment'
    }

    $powershell = Join-Path $PSHOME 'powershell.exe'
    $arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$PSCommandPath`" run " +
        "-Config `"$Config`" -Java `"$javaExe`""
    $taskAction = New-ScheduledTaskAction -Execute $powershell -Argument $arguments -WorkingDirectory $PSScriptRoot
    $atStartup = New-ScheduledTaskTrigger -AtStartup
    # Every 5 minutes as well: with IgnoreNew this only starts the task when it is not running.
    $every5Minutes = New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Minutes 5)
    $settings = New-ScheduledTaskSettingsSet `
        -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
        -ExecutionTimeLimit ([TimeSpan]::Zero) -MultipleInstances IgnoreNew `
        -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
    $task = @{
        TaskName = $TaskName
        Description = 'Tick Engine edge agent: buffers MT5 ticks in SQLite and forwards them to the engine.'
        Action = $taskAction
        Trigger = @($atStartup, $every5Minutes)
        Settings = $settings
        Force = $true
    }
    if ($credential) {
        Register-ScheduledTask @task -User $credential.UserName `
            -Password $credential.GetNetworkCredential().Password -RunLevel Limited | Out-Null
    } else {
        $principal = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\SYSTEM' -LogonType ServiceAccount -RunLevel Highest
        Register-ScheduledTask @task -Principal $principal | Out-Null
    }
    Start-ScheduledTask -TaskName $TaskName
    Write-Host "installed and started '$TaskName' (log: $Log)"
    Write-Host "check it with: .\edge-agent.ps1 status   or   curl.exe http://127.0.0.1:$(Get-Port $properties)/health"
}

function Get-Port($properties) {
    if ($properties.ContainsKey('agent.port')) { return $properties['agent.port'] }
    return '18000'
}

function Stop-AgentProcesses {
    # Stopping the task ends its PowerShell loop; make sure no java.exe of this jar is left behind.
    Get-CimInstance Win32_Process -Filter "Name = 'java.exe'" |
        Where-Object { $_.CommandLine -and $_.CommandLine.Contains($Jar) } |
        ForEach-Object { Stop-Process -Id $_.ProcessId -Force }
}

function Uninstall-Agent {
    Assert-Administrator
    $task = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
    if ($task) {
        Stop-ScheduledTask -TaskName $TaskName
        Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
        Write-Host "removed '$TaskName'"
    } else {
        Write-Host "no task '$TaskName'"
    }
    Stop-AgentProcesses
    Write-Host 'the buffer, key files, configuration and logs are left in place'
}

function Show-Status {
    $task = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
    if ($task) {
        $info = Get-ScheduledTaskInfo -TaskName $TaskName
        Write-Host "task '$TaskName': $($task.State), last run $($info.LastRunTime), last result $($info.LastTaskResult)"
    } else {
        Write-Host "task '$TaskName' is not installed"
    }
    $javaExe = Get-JavaPath
    & $javaExe -jar $Jar status --config $Config
    exit $LASTEXITCODE
}

# The agent in a loop, for the task: when it exits for any reason it starts again after 10 s. Task Scheduler's
# restart-on-failure covers a task that fails to start, not a program that ends, hence the loop.
function Invoke-Agent {
    New-Directory $LogDir
    $javaExe = Get-JavaPath
    $javaArguments = @(
        '-Xmx256m',
        '-Dorg.slf4j.simpleLogger.logFile=System.out',
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        '-jar', $Jar, 'run', '--config', $Config)
    # The JVM's stderr lines are log lines here, not PowerShell errors.
    $ErrorActionPreference = 'Continue'
    while ($true) {
        if ((Test-Path -LiteralPath $Log) -and (Get-Item -LiteralPath $Log).Length -gt $MaxLogBytes) {
            Move-Item -LiteralPath $Log -Destination "$Log.1" -Force
        }
        "$(Get-Date -Format o) edge-agent.ps1: starting $javaExe $($javaArguments -join ' ')" |
            Out-File -LiteralPath $Log -Append -Encoding utf8
        & $javaExe @javaArguments 2>&1 | ForEach-Object { "$_" } | Out-File -LiteralPath $Log -Append -Encoding utf8
        "$(Get-Date -Format o) edge-agent.ps1: edge-agent exited [code=$LASTEXITCODE]; starting again in 10 s" |
            Out-File -LiteralPath $Log -Append -Encoding utf8
        Start-Sleep -Seconds 10
    }
}

switch ($Action) {
    'install' { Install-Agent }
    'uninstall' { Uninstall-Agent }
    'status' { Show-Status }
    'run' { Invoke-Agent }
}
