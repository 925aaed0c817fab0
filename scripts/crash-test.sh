#!/usr/bin/env bash
# The full crash test: the self-host is killed with SIGKILL at random moments while 200 cases are carried to release
# (PULANG_CRASH_CASES, default 200; PULANG_CRASH_KILLS, default 50; PULANG_CRASH_PARALLEL, cases driven at once,
# default 50; PULANG_CRASH_SEED to repeat a run's kill timing; PULANG_CRASH_MINUTES bounds the run). About 30 min here.
# PULANG_CRASH_REPLICAS=2 (or --replicas 2): two self-host replicas on one task hub, the kills alternating between them
# (each killed replica stays down up to 20 s while the other works on).
# Starts its own Azurite on 127.0.0.1:20120-20122 unless PULANG_TEST_STORAGE is set. Prints the test's report line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_THREAD_LIMIT=1
export PULANG_CRASH_CASES=${PULANG_CRASH_CASES:-200} PULANG_CRASH_KILLS=${PULANG_CRASH_KILLS:-50}
replicas=${PULANG_CRASH_REPLICAS:-1}
[ "${1:-}" = "--replicas" ] && replicas=${2:-}
case $replicas in
  1) test_method='*while_the_self_host_is_killed_again_and_again' ;;
  2) test_method='*by_two_replicas_on_one_task_hub_*' ;;
  *) echo "crash-test.sh: replicas must be 1 or 2 (PULANG_CRASH_REPLICAS or --replicas N), not '$replicas'" >&2; exit 2 ;;
esac

source scripts/azurite.sh
start_azurite 20120 || exit 1

dotnet build Pulang.slnx -nologo -v quiet || exit 1
echo "crash test: $replicas replica(s), $PULANG_CRASH_CASES cases, $PULANG_CRASH_KILLS kills"
start=$(date +%s)
export PULANG_CRASH_REPORT=$(mktemp)
dotnet test --no-build --project tests/Pulang.Tests -- --filter-method "$test_method" --output Detailed
status=$?
cat "$PULANG_CRASH_REPORT"; rm -f "$PULANG_CRASH_REPORT"
echo "crash test: exit $status after $(( $(date +%s) - start )) s"
exit $status
