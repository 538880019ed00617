#!/usr/bin/env bash
# Installs PowerShell and Pester for the PowerShell tests (test/toolchain/powershell.test.ts):
# - PowerShell as the .NET global tool: `pwsh` in ~/.dotnet/tools (put that folder on PATH);
# - Pester, the NuGet package, restored by the .NET SDK into .cache/powershell/Modules/Pester/<version>/
#   of this clone (gitignored), so `Import-Module .cache/powershell/Modules/Pester/<version>/Pester.psd1`
#   works, and so does `Import-Module Pester` with that Modules folder on PSModulePath.
# Needs the .NET SDK and NuGet. Safe to run again: it does nothing when both versions are there.
set -euo pipefail
# The one place the versions are named (test/helpers/powershell.ts reads them from here).
POWERSHELL_VERSION=7.6.9
PESTER_VERSION=6.2.0

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$HOME/.dotnet/tools"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-powershell: the .NET SDK (dotnet) is needed to install PowerShell and Pester" >&2
  exit 2
fi

if [ "$("$tools/pwsh" --version 2>/dev/null || true)" != "PowerShell $POWERSHELL_VERSION" ]; then
  installed="$(dotnet tool list --global)"
  if grep -qi '^powershell ' <<<"$installed"; then
    dotnet tool update --global PowerShell --version "$POWERSHELL_VERSION" >&2
  else
    dotnet tool install --global PowerShell --version "$POWERSHELL_VERSION" >&2
  fi
fi

modules="$root/.cache/powershell/Modules"
pester="$modules/Pester/$PESTER_VERSION"
if [ ! -f "$pester/Pester.psd1" ]; then
  work="$root/.cache/powershell/restore"
  rm -rf "$work" "$modules/Pester"
  mkdir -p "$work"
  # A project that only downloads the package: plain NuGet through the SDK, no nuget.exe.
  framework="net$(dotnet --version | cut -d. -f1).0"
  cat >"$work/pester-restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$framework</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$PESTER_VERSION]" />
  </ItemGroup>
</Project>
EOF
  dotnet restore "$work/pester-restore.csproj" --packages "$work/packages" --verbosity quiet >&2
  # The package keeps the module in tools/; PowerShell wants it in Modules/<name>/<version>/.
  mkdir -p "$modules/Pester"
  cp -R "$work/packages/pester/$PESTER_VERSION/tools" "$pester"
  rm -rf "$work"
  if [ ! -f "$pester/Pester.psd1" ]; then
    echo "install-powershell: the Pester $PESTER_VERSION package has no tools/Pester.psd1" >&2
    exit 1
  fi
fi
