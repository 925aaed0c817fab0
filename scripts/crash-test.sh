#!/usr/bin/env bash
# The full crash test: the self-host is killed with SIGKILL at random moments while 200 cases are carried to release
# (PULANG_CRASH_CASES, default 200; PULANG_CRASH_KILLS, default 50; PULANG_CRASH_PARALLEL, cases driven at once,
# default 50; PULANG_CRASH_SEED to repeat a run's kill timing; PULANG_CRASH_MINUTES bounds the run). About 30 min here.
# Starts its own Azurite on 127.0.0.1:20120-20122 unless PULANG_TEST_STORAGE is set. Prints the test's report line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_THREAD_LIMIT=1
export PULANG_CRASH_CASES=${PULANG_CRASH_CASES:-200} PULANG_CRASH_KILLS=${PULANG_CRASH_KILLS:-50}

source scripts/azurite.sh
start_azurite 20120 || exit 1

dotnet build Pulang.slnx -nologo -v quiet || exit 1
echo "crash test: $PULANG_CRASH_CASES cases, $PULANG_CRASH_KILLS kills"
start=$(date +%s)
export PULANG_CRASH_REPORT=$(mktemp)
dotnet test --no-build --project tests/Pulang.Tests -- --filter-class '*CrashTests*' --output Detailed
status=$?
cat "$PULANG_CRASH_REPORT"; rm -f "$PULANG_CRASH_REPORT"
echo "crash test: exit $status after $(( $(date +%s) - start )) s"
exit $status
