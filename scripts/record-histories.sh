#!/usr/bin/env bash
# Records the replay fixtures of the current workflow version (WorkflowVersion.Current) into
# tests/Pulang.Tests/Versioning/Histories/<version>/: one case of the fictional sample person (all data made up, blank
# scans) carried through its whole life on the real self-host (in the test process) and a fresh Azurite, its orchestration
# history taken while it waits at DocumentsPending, AssessmentPending, SignOffPending and on hold, with the commands that
# then carried it to release. Run it once per version, right after bumping WorkflowVersion.Current, and commit the files:
# the replay tests replay every recorded version under the code of today (docs/versioning.md).
# Usage: bash scripts/record-histories.sh [AZURITE_PORT]   (default 20140; Azurite listens on PORT..PORT+2)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_THREAD_LIMIT=1 PULANG_RECORD_HISTORIES=1
source scripts/azurite.sh
start_azurite "${1:-20140}"
dotnet build Pulang.slnx -nologo -v quiet
dotnet test --no-build --project tests/Pulang.Tests -- --filter-class Pulang.Tests.Versioning.HistoryRecorder
git status --short tests/Pulang.Tests/Versioning/Histories
