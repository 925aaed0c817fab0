#!/usr/bin/env bash
# Starts Pulang's self-host on embedded defaults (Azurite on 127.0.0.1:10000-10002, Tesseract OCR,
# http://127.0.0.1:5080) and runs the demo: the fictional sample person from intake to release.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build selfhost -c Release -v quiet -nologo
dotnet selfhost/bin/Release/net10.0/pulang.dll demo "$@"
