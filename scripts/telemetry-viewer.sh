#!/usr/bin/env bash
# Starts a local OpenTelemetry viewer: the standalone Aspire Dashboard from NuGet, no Docker.
# It receives OTLP over gRPC and HTTP/protobuf and shows traces, structured logs and metrics in
# a browser; unsecured (no login, no API key), so it listens on localhost only by default.
#
#   scripts/telemetry-viewer.sh            # UI http://localhost:18888, OTLP :4317 (gRPC) and :4318 (HTTP)
#
# Overrides: VIEWER_UI_URL, VIEWER_OTLP_GRPC_URL, VIEWER_OTLP_HTTP_URL (e.g. http://0.0.0.0:18888
# to reach it from another machine; anyone who can reach it can read and send telemetry).
# ASPIRE_DASHBOARD_PATH runs another Aspire.Dashboard executable (e.g. on a non linux-x64 machine).
# Ctrl+C stops it; telemetry is kept in memory/temp files only and is gone after it stops.
set -euo pipefail
cd "$(dirname "$0")/.."

ui_url="${VIEWER_UI_URL:-http://localhost:18888}"
grpc_url="${VIEWER_OTLP_GRPC_URL:-http://localhost:4317}"
http_url="${VIEWER_OTLP_HTTP_URL:-http://localhost:4318}"

dashboard="${ASPIRE_DASHBOARD_PATH:-}"
if [[ -z "$dashboard" ]]; then
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    echo "The Aspire.Dashboard.Sdk.linux-x64 package only runs on Linux x64; set ASPIRE_DASHBOARD_PATH." >&2
    exit 1
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  project=tools/TelemetryViewer/TelemetryViewer.csproj
  # A no-op when the package is already in the NuGet cache.
  dotnet restore "$project" --verbosity quiet
  package_dir="$(dotnet msbuild "$project" -getProperty:PkgAspire_Dashboard_Sdk_linux-x64)"
  dashboard="$package_dir/tools/Aspire.Dashboard"
fi
if [[ ! -f "$dashboard" ]]; then
  echo "Aspire Dashboard not found at '$dashboard'." >&2
  exit 1
fi
[[ -x "$dashboard" ]] || chmod u+x "$dashboard"

cat <<MSG
Telemetry viewer (Aspire Dashboard $(basename "$(dirname "$(dirname "$dashboard")")"))
  UI:         $ui_url
  OTLP gRPC:  $grpc_url   <- Observability__OtlpEndpoint=$grpc_url
  OTLP HTTP:  $http_url   <- Observability__OtlpProtocol=http/protobuf, Observability__OtlpEndpoint=$http_url
  JSON API:   $ui_url/api/telemetry/spans | /traces | /logs | /resources
Ctrl+C to stop.
MSG

export ASPNETCORE_URLS="$ui_url"
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="$grpc_url"
export ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="$http_url"
export ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true
export Dashboard__Api__Enabled=true Dashboard__Api__AuthMode=Unsecured
exec "$dashboard"
