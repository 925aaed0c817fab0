#!/usr/bin/env bash
# Pulang's benchmark suite: builds (Release) and runs bench/Pulang.Bench, which starts its own Azurite on
# 127.0.0.1:20500-20502 (data in a temporary folder) and self-host replicas on 127.0.0.1:20550-20551, prints the
# table and writes bench/results/<timestamp>.json and bench/results/latest.json. Never part of the tests.
#   bash bench/run.sh                                  # everything (under 15 minutes on 2 vCPU)
#   bash bench/run.sh --only batch,engine --cases 20   # phases: micro, batch, engine, memory, approvers, scaling
#   (--engine-cases N: cases in the engine and scaling phases, both on the no-op OCR engine; default 40;
#    --azurite-port P, --replica-port P: other ports than 20500 and 20550, to run beside another suite)
#   bash bench/run.sh --compare a.json b.json          # two runs side by side, as ratios
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "${1:-}" != "--compare" ]; then
  bash scripts/prerequisites.sh >/dev/null
  dotnet build selfhost -c Release -nologo -v quiet
  dotnet build bench/Pulang.Bench -c Release -nologo -v quiet
fi
exec dotnet bench/Pulang.Bench/bin/Release/net10.0/pulang-bench.dll "$@"
