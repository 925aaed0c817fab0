#!/usr/bin/env bash
# Sourced by the test scripts: `start_azurite PORT` starts Azurite (npm, installed by prerequisites.sh) on
# 127.0.0.1:PORT (blob), PORT+1 (queue), PORT+2 (table) with a fresh data folder, waits until it listens, exports
# PULANG_TEST_STORAGE for it, and stops it (removing its data) when the calling script exits.
# Does nothing when PULANG_TEST_STORAGE is already set (the caller brings its own storage).
start_azurite() {
  [ -n "${PULANG_TEST_STORAGE:-}" ] && return 0
  local port=$1
  azurite_data=$(mktemp -d)
  node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location "$azurite_data" \
    --blobHost 127.0.0.1 --blobPort "$port" --queueHost 127.0.0.1 --queuePort $((port+1)) \
    --tableHost 127.0.0.1 --tablePort $((port+2)) >/dev/null 2>&1 &
  azurite_pid=$!
  # On exit: SIGTERM, and SIGKILL after 10 s (an open keep-alive connection can keep Azurite alive; its data is thrown away).
  trap 'kill $azurite_pid 2>/dev/null; for _ in $(seq 1 50); do kill -0 $azurite_pid 2>/dev/null || break; sleep 0.2; done; kill -9 $azurite_pid 2>/dev/null; rm -rf "$azurite_data"' EXIT
  # Azurite's well-known development account key (public; not a secret).
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export PULANG_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((port+1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((port+2))/devstoreaccount1;"
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$((port+2))) 2>/dev/null && return 0
    sleep 0.2
  done
  echo "Azurite did not start on 127.0.0.1:$port-$((port+2))" >&2
  return 1
}
