#!/usr/bin/env bash
# Runs every test (unit, integration on real Azurite and Tesseract, end-to-end over HTTP) and prints
# "N passed, N failed". Starts its own Azurite on 127.0.0.1:20100-20102 unless PULANG_TEST_STORAGE is set.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_THREAD_LIMIT=1

azurite_pid=""
if [ -z "${PULANG_TEST_STORAGE:-}" ]; then
  port=20100
  data=$(mktemp -d)
  node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location "$data" \
    --blobHost 127.0.0.1 --blobPort $port --queueHost 127.0.0.1 --queuePort $((port+1)) \
    --tableHost 127.0.0.1 --tablePort $((port+2)) >/dev/null 2>&1 &
  azurite_pid=$!
  trap '[ -n "$azurite_pid" ] && kill $azurite_pid 2>/dev/null; rm -rf "$data"' EXIT
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export PULANG_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((port+1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((port+2))/devstoreaccount1;"
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$((port+2))) 2>/dev/null && break
    sleep 0.2
  done
fi

log=$(mktemp)
if ! dotnet build Pulang.slnx -nologo -v quiet; then
  echo "0 passed, 1 failed"
  exit 1
fi
dotnet test --no-build --project tests/Pulang.Tests "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Infrastructure: Bicep build + lint (warnings are errors), counted as one test.
bicep_passed=0 bicep_failed=0
if dotnet build infra/Pulang.Infra.proj -nologo -v quiet; then
  echo "bicep: infra/main.bicep builds and lints clean"
  bicep_passed=1
else
  echo "bicep: infra/main.bicep failed to build or lint"
  bicep_failed=1
  status=1
fi
total=$(grep -E '^\s*total:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s*failed:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
passed=$(grep -E '^\s*succeeded:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
skipped=$(grep -E '^\s*skipped:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
passed=$((passed + bicep_passed))
failed=$((failed + bicep_failed))
if [ "$status" -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
