#!/usr/bin/env bash
# How long a whole group's scans take to upload with the staff CLI (issue 16): PEOPLE persons (default 101, the Cambodia
# group) each with the 4-page sample PDF (../shared/samples/scans/scans_multipage.pdf), so 404 pages by default.
# Starts its own Azurite (127.0.0.1:AZURITE_PORT..+2, fresh data) and its own self-host (127.0.0.1:PORT, real Tesseract,
# default limits, rate limits on: 60 uploads a minute per caller unless --upload-limit), starts the cases with `pulang manifest` on a fictional manifest (`manifest-sample`),
# then times `pulang upload-batch` on the group folder. Prints the figures (and `uptime` before and after: the machine may
# be shared) and writes bench/results/upload-batch-<timestamp>.json. Never part of the tests. Stops what it started.
#   bash bench/upload-batch.sh                                   # Release build, 101 people, ports 20570-20572 and 20575
#   bash bench/upload-batch.sh --people 10 --azurite-port 20220 --port 5220 --configuration Debug --no-build
#   bash bench/upload-batch.sh --upload-limit 1000      # Pulang__RateLimits__UploadPerMinute for the self-host
# The transcript of the upload goes next to the figures (bench/results/upload-batch-<timestamp>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_THREAD_LIMIT=1

people=101 azurite_port=20570 port=20575 configuration=Release build=1 upload_limit=60
while [ $# -gt 0 ]; do
  case "$1" in
    --people) people=$2; shift 2 ;;
    --azurite-port) azurite_port=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --configuration) configuration=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --upload-limit) upload_limit=$2; shift 2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 1 ;;
  esac
done

samples=${PULANG_SAMPLES:-}
if [ -z "$samples" ]; then
  for dir in "$PWD" "$PWD/.." "$PWD/../.." "$PWD/../../.."; do
    [ -d "$dir/shared/samples" ] && samples=$(cd "$dir/shared/samples" && pwd) && break
    [ -d "$dir/../shared/samples" ] && samples=$(cd "$dir/../shared/samples" && pwd) && break
  done
fi
pdf="$samples/scans/scans_multipage.pdf"
[ -f "$pdf" ] || { echo "The sample PDF is missing ($pdf): set PULANG_SAMPLES to the samples folder." >&2; exit 1; }

if [ "$build" = 1 ]; then
  dotnet build selfhost -c "$configuration" -nologo -v quiet
  dotnet build cli -c "$configuration" -nologo -v quiet
fi
service="selfhost/bin/$configuration/net10.0/pulang.dll"
cli="cli/bin/$configuration/net10.0/Pulang.Cli.dll"

work=$(mktemp -d /tmp/pulang-upload-batch.XXXXXX)
unset PULANG_TEST_STORAGE
source scripts/azurite.sh
start_azurite "$azurite_port"
host_pid=
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap 'cleanup; kill $azurite_pid 2>/dev/null || true; for _ in $(seq 1 50); do kill -0 $azurite_pid 2>/dev/null || break; sleep 0.2; done; kill -9 $azurite_pid 2>/dev/null || true; rm -rf "$azurite_data"' EXIT

data="$work/data"
Pulang__StorageConnectionString="$PULANG_TEST_STORAGE" Pulang__DataDirectory="$data" Pulang__TaskHub=benchupload \
  Pulang__RateLimits__UploadPerMinute="$upload_limit" \
  DOTNET_ENVIRONMENT=Production dotnet "$service" --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$host_pid" 2>/dev/null || { echo "The self-host exited:" >&2; tail -40 "$work/service.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "The self-host did not answer on $port" >&2; exit 1; }

pulang() { PULANG_CLI_CONFIG="$work/$1.json" dotnet "$cli" "${@:2}"; }
pulang intake login --server "http://127.0.0.1:$port" --user embassy-kl-manifest --data-dir "$data" >/dev/null
pulang staff login --server "http://127.0.0.1:$port" --user sentra-intake-officer --data-dir "$data" >/dev/null

# The group's cases, from a fictional manifest (references KH-BENCH-0001...).
dotnet "$service" manifest-sample "$work/group.csv" --count "$people" --seed 16 --prefix KH-BENCH >/dev/null
pulang intake manifest "$work/group.csv" >"$work/manifest.log" 2>&1 || { cat "$work/manifest.log" >&2; exit 1; }
group="$work/group"
mkdir -p "$group"
printf '{"scans_multipage.pdf": "other"}\n' >"$group/kinds.json"
for reference in $(sed -n 's/^baris [0-9]* \(KH-BENCH-[0-9]*\): \(created\|existing\) .*/\1/p' "$work/manifest.log"); do
  mkdir -p "$group/$reference"
  cp "$pdf" "$group/$reference/scans_multipage.pdf"
done
persons=$(find "$group" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$persons" = "$people" ] || { echo "Only $persons of $people cases were started:" >&2; cat "$work/manifest.log" >&2; exit 1; }
pages_per_file=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')

load_before=$(uptime)
start=$(date +%s.%N)
pulang staff upload-batch "$group" >"$work/upload.log" 2>&1 && code=0 || code=$?
end=$(date +%s.%N)
load_after=$(uptime)
seconds=$(echo "$end - $start" | bc -l)
summary=$(grep -E '^Selesai' "$work/upload.log" || true)
# Pages actually sent (an interrupted run counts only the files it uploaded).
uploaded=$(grep -c ': diunggah ' "$work/upload.log" || true)
pages=$((uploaded * ${pages_per_file:-4}))
[ "$code" = 0 ] || echo "The upload did not finish (exit $code): the figures count only the $uploaded files it sent."
# The slowest file: one that waited out a 429 (Retry-After) shows here.
slowest=$(sed -n 's/.*, \([0-9.]*\) s)$/\1/p' "$work/upload.log" | sort -g | tail -1)

echo "--- pulang upload-batch (first and last lines)"
head -3 "$work/upload.log"; echo "..."; tail -2 "$work/upload.log"
printf '\n%d of %d files x %s-page PDF = %d pages in %.1f s: %.2f pages/s, %.1f uploads/min (exit %d)\n' \
  "$uploaded" "$persons" "${pages_per_file:-4}" "$pages" "$seconds" "$(echo "$pages / $seconds" | bc -l)" "$(echo "$uploaded * 60 / $seconds" | bc -l)" "$code"
echo "slowest file: ${slowest:-?} s; upload limit: $upload_limit a minute per caller"
echo "before: $load_before"
echo "after:  $load_after"

mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M%S)
result="bench/results/upload-batch-$stamp.json"
sed "s|$work/||g" "$work/upload.log" >"bench/results/upload-batch-$stamp.txt"
cat >"$result" <<JSON
{
  "benchmark": "upload-batch",
  "when": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "configuration": "$configuration",
  "persons": $persons,
  "pagesPerFile": ${pages_per_file:-4},
  "filesUploaded": $uploaded,
  "pages": $pages,
  "seconds": $(printf '%.1f' "$seconds"),
  "pagesPerSecond": $(printf '%.3f' "$(echo "$pages / $seconds" | bc -l)"),
  "exitCode": $code,
  "uploadLimitPerMinute": $upload_limit,
  "slowestFileSeconds": ${slowest:-null},
  "summary": "$summary",
  "cpus": $(nproc),
  "uptimeBefore": "$(echo "$load_before" | sed 's/^ *//')",
  "uptimeAfter": "$(echo "$load_after" | sed 's/^ *//')"
}
JSON
echo "written: $result and bench/results/upload-batch-$stamp.txt"
exit "$code"
