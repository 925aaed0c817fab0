#!/usr/bin/env bash
# A local trace viewer for Pulang: the .NET Aspire dashboard (NuGet Aspire.Dashboard.Sdk.linux-x64, fetched by
# tools/dashboard/Dashboard.proj) on http://127.0.0.1:18888, receiving OTLP on 127.0.0.1:4317 (gRPC) and :4318 (HTTP).
# Then, in another terminal, send the self-host's telemetry to it, e.g.:
#   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 bash scripts/demo.sh
# Every case's commands, orchestration episodes, activities, OCR and storage calls appear as traces; search by the
# tag pulang.case_id. Ctrl-C stops the dashboard. Local only: it binds 127.0.0.1 and allows anonymous access.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dir=$(dotnet build tools/dashboard/Dashboard.proj -nologo -v minimal | sed -n 's/.*DASHBOARD_DIR=//p' | tail -1)
[ -x "$dir/Aspire.Dashboard" ] || { echo "Aspire dashboard not found (in '$dir')" >&2; exit 1; }
export ASPNETCORE_URLS=http://127.0.0.1:18888
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:4317
export ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:4318
export ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true
echo "Pulang telemetry viewer: http://127.0.0.1:18888 (OTLP: 127.0.0.1:4317 gRPC, 127.0.0.1:4318 HTTP)"
echo "Send the self-host to it:  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 bash scripts/demo.sh"
exec "$dir/Aspire.Dashboard"
