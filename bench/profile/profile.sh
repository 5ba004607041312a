#!/usr/bin/env bash
# Where the service's CPU goes per request: runs the Release service under wrk load against an
# OTLP sink, records it with perf, and prints microseconds of service CPU per request by component
# (attribute.py). Side by side: telemetry off, on (100 % sampling), at 10 % sampling, and (on10f)
# at 10 % with Observability__LogsFollowSampling=true.
# Usage: bench/profile/profile.sh [--request read|create] [--warmup SECONDS] [--seconds SECONDS] [--cases "off on on10"]
# Needs perf (apt-get install -y linux-perf), wrk, curl, python3 and the .NET SDK; run as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
REQUEST=read WARMUP=40 SECONDS_RECORDED=8 CASES="off on on10"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --request) REQUEST=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --seconds) SECONDS_RECORDED=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in perf wrk curl python3; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 2; }; done

dotnet build -c Release -v q -nologo src/Api/Api.csproj >/dev/null
dotnet build -c Release -v q -nologo bench/CrudCqrs.MinimalEndpoint/CrudCqrs.MinimalEndpoint.csproj >/dev/null
API_DIR=$ROOT/src/Api/bin/Release/net10.0
SINK_DLL=$ROOT/bench/CrudCqrs.MinimalEndpoint/bin/Release/net10.0/CrudCqrs.MinimalEndpoint.dll
WORK=$(mktemp -d /tmp/crudcqrs-profile.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
json_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }

SINK_PORT=$(free_port)
dotnet "$SINK_DLL" --receiver --urls "http://127.0.0.1:$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)

for case in $CASES; do
  port=$(free_port)
  settings=(ConnectionStrings__Sqlite="Data Source=$WORK/$case.db" ASPNETCORE_ENVIRONMENT=Production Auth__Mode=None RateLimit__Enabled=false
            DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
  case $case in
    off) settings+=(Observability__Enabled=false) ;;
    on) settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" Observability__OtlpProtocol=http/protobuf) ;;
    on10) settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" Observability__OtlpProtocol=http/protobuf Observability__TracesSampleRate=0.1) ;;
    on10f) settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" Observability__OtlpProtocol=http/protobuf Observability__TracesSampleRate=0.1 Observability__LogsFollowSampling=true) ;;
    *) echo "unknown case $case" >&2; exit 2 ;;
  esac
  (cd "$API_DIR" && exec env "${settings[@]}" dotnet CrudCqrs.Api.dll --urls "http://127.0.0.1:$port") >"$WORK/service-$case.log" 2>&1 &
  service=$!
  PIDS+=($service)
  for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.2; done
  deps=()
  for i in 1 2 3 4 5; do
    deps+=("\"$(curl -fs -X POST "http://127.0.0.1:$port/api/resources" -H 'Content-Type: application/json' -d "{\"name\":\"dependency-$i\"}" | json_id)\"")
  done
  body="{\"name\":\"profiled\",\"description\":\"five dependencies\",\"dependencies\":[$(IFS=,; echo "${deps[*]}")]}"
  echo "$body" >"$WORK/body.json"
  target=$(curl -fs -X POST "http://127.0.0.1:$port/api/resources" -H 'Content-Type: application/json' -d "$body" | json_id)
  if [[ $REQUEST == read ]]; then url="http://127.0.0.1:$port/api/resources/$target"; script=(); else url="http://127.0.0.1:$port/api/resources"; script=(-s "$ROOT/bench/load/post.lua"); fi
  CREATE_BODY_FILE=$WORK/body.json wrk -t2 -c32 -d"${WARMUP}s" "${script[@]}" "$url" >/dev/null
  ticks_before=$(awk '{print $14+$15}' /proc/$service/stat)
  CREATE_BODY_FILE=$WORK/body.json wrk -t2 -c32 -d"$((SECONDS_RECORDED + 2))s" "${script[@]}" "$url" >"$WORK/wrk-$case.txt" &
  load=$!
  sleep 1
  perf record -F 1999 -g -p "$service" -o "$WORK/$case.perf" -- sleep "$SECONDS_RECORDED" >/dev/null 2>&1
  wait $load
  ticks_after=$(awk '{print $14+$15}' /proc/$service/stat)
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk-$case.txt")
  per_request=$(python3 -c "print(($ticks_after - $ticks_before) * 1e6 / $(getconf CLK_TCK) / $requests)")
  echo
  echo "### $REQUEST, telemetry $case: $(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$case.txt") requests/s (perf attached for ${SECONDS_RECORDED} s)"
  python3 "$ROOT/bench/profile/attribute.py" "$WORK/$case.perf" "$per_request"
  kill "$service"; wait "$service" 2>/dev/null || true
done
