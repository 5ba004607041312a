#!/usr/bin/env bash
# Makes the documentation's pictures again, from the real service: docs/images/swagger-ui.png
# (Swagger UI with "create a resource" opened) and docs/images/trace.png (the trace of one create
# with dependencies in the local telemetry viewer).
#
#   scripts/screenshots.sh [output directory, default docs/images]
#
# Starts the telemetry viewer (scripts/telemetry-viewer.sh) and the service (built from src/Api,
# Development environment, a throwaway SQLite file, OTLP to the viewer) on free localhost ports,
# sends a few requests, then captures with Debian's headless Chromium through playwright-core
# (scripts/screenshots.mjs; `npm ci` in scripts/ on first use). Needs the .NET SDK, node and npm,
# curl, python3, and /usr/bin/chromium (or CHROMIUM_PATH). Stops both processes when done.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir="${1:-docs/images}"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api_url="http://127.0.0.1:$(free_port)"
viewer_url="http://127.0.0.1:$(free_port)"
otlp_grpc_url="http://127.0.0.1:$(free_port)"
otlp_http_url="http://127.0.0.1:$(free_port)"

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for URL WHAT LOG: polls until URL answers 200, or shows LOG and fails after 60 s.
wait_for() {
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null --max-time 2 "$1"; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not answer on $1; its output:" >&2
  tail -n 30 "$3" >&2
  exit 1
}

if [[ ! -d scripts/node_modules/playwright-core ]]; then
  (cd scripts && npm ci --no-audit --no-fund)
fi
echo "Building the service..."
dotnet build src/Api -c Debug --verbosity quiet --nologo >"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }

VIEWER_UI_URL="$viewer_url" VIEWER_OTLP_GRPC_URL="$otlp_grpc_url" VIEWER_OTLP_HTTP_URL="$otlp_http_url" \
  scripts/telemetry-viewer.sh >"$work/viewer.log" 2>&1 &
pids+=($!)
wait_for "$viewer_url/api/telemetry/resources" "The telemetry viewer" "$work/viewer.log"

(cd src/Api/bin/Debug/net10.0 &&
  exec env ASPNETCORE_ENVIRONMENT=Development \
    ConnectionStrings__Sqlite="Data Source=$work/crudcqrs.db" \
    Observability__OtlpEndpoint="$otlp_grpc_url" \
    Observability__MetricsExportIntervalMs=5000 \
    dotnet CrudCqrs.Api.dll --urls "$api_url") >"$work/api.log" 2>&1 &
pids+=($!)
wait_for "$api_url/health/live" "The service" "$work/api.log"

# create NAME DESCRIPTION DEPENDENCIES-JSON: prints the new id; the trace id goes to $work/trace-id.
create() {
  curl -sS -D "$work/headers" -X POST "$api_url/api/resources" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"description\":\"$2\",\"dependencies\":$3}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
  grep -i '^X-Trace-Id:' "$work/headers" | cut -d' ' -f2 | tr -d '\r' >"$work/trace-id"
}
# The first requests of a fresh process pay for JIT compilation; warm up so that the pictured
# trace shows ordinary durations.
warm_up="$(create "Warm-up" "deleted again" '[]')"
for i in 1 2 3; do create "Warm-up $i" "deleted again" "[\"$warm_up\"]" >/dev/null; done
curl -sS -o /dev/null -X DELETE "$api_url/api/resources/$warm_up?cascade=true"
database="$(create "Database" "PostgreSQL 16" '[]')"
cache="$(create "Cache" "Redis 7" '[]')"
backend="$(create "Backend" "orders service" "[\"$database\",\"$cache\"]")"
trace_id="$(cat "$work/trace-id")"
curl -sS -o /dev/null "$api_url/api/resources/$backend"
curl -sS -o /dev/null "$api_url/api/search?q=e"
curl -sS -o /dev/null -X PUT "$api_url/api/resources/$database" -H 'Content-Type: application/json' \
  -d "{\"dependencies\":[\"$backend\"]}"   # refused: a cycle
echo "Create of Backend: trace $trace_id"

for _ in $(seq 1 60); do
  if curl -sf "$viewer_url/api/telemetry/traces/$trace_id" | grep -q create_resource; then break; fi
  sleep 0.5
done

API_URL="$api_url" VIEWER_URL="$viewer_url" TRACE_ID="$trace_id" node scripts/screenshots.mjs "$out_dir"
