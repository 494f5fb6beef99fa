#!/usr/bin/env pwsh
# Runs the C# build program in build/. Targets: build, publish, deps, test, bench, demo.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
dotnet build build/Build.csproj -c Release -nologo -v q -clp:ErrorsOnly -o artifacts/build-tool | Out-Null
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
dotnet artifacts/build-tool/graystep-build.dll @args
exit $LASTEXITCODE
