#!/usr/bin/env bash
# Starts Pulang's self-host on embedded defaults (Azurite on 127.0.0.1:10000-10002, Tesseract OCR,
# http://127.0.0.1:5080) and runs the demo: the fictional sample person from intake to release, then a second generated
# fictional case left waiting for both ministries' sign-offs; prints the web app's address and the demo users and keeps
# serving until Ctrl-C, so a person can sign in and finish that case in the browser. --exit: stop after the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build selfhost -c Release -v quiet -nologo
dotnet selfhost/bin/Release/net10.0/pulang.dll demo "$@"
