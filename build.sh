#!/usr/bin/env bash
# Runs the C# build program in build/. Targets: build, publish, deps, test, bench, demo.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet not found on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi
dotnet build build/Build.csproj -c Release -nologo -v q -clp:ErrorsOnly -o artifacts/build-tool >/dev/null
exec dotnet artifacts/build-tool/graystep-build.dll "$@"
