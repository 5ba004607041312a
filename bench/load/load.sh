#!/usr/bin/env bash
# Requests per second for read-by-id and create, side by side in one run:
#   off     the service with Observability__Enabled=false
#   on      the service with full telemetry: 100% sampling, traces/metrics/logs exported over
#           OTLP/HTTP to a live receiver (the minimal endpoint, which accepts and discards them)
#   minimal bare Kestrel serving the same JSON from memory (the ceiling; reads only)
# Usage: bench/load/load.sh [seconds=15] [connections=32]. Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 240); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "not ready: $1" >&2; exit 1; }

dotnet build -c Release src/Api -v q -nologo >/dev/null
dotnet build -c Release bench/CrudCqrs.MinimalEndpoint -v q -nologo >/dev/null

minimal=$(free_port); off=$(free_port); on=$(free_port)
dotnet bench/CrudCqrs.MinimalEndpoint/bin/Release/net10.0/CrudCqrs.MinimalEndpoint.dll --urls "http://127.0.0.1:$minimal" > /dev/null 2>&1 & pids+=($!)
ConnectionStrings__Sqlite="Data Source=$work/off.db" Observability__Enabled=false \
  dotnet src/Api/bin/Release/net10.0/CrudCqrs.Api.dll --urls "http://127.0.0.1:$off" > "$work/off.log" 2>&1 & pids+=($!)
ConnectionStrings__Sqlite="Data Source=$work/on.db" Observability__OtlpProtocol=http/protobuf \
  Observability__OtlpEndpoint="http://127.0.0.1:$minimal" Observability__TracesSampleRate=1.0 \
  Observability__MetricsExportIntervalMs=1000 \
  dotnet src/Api/bin/Release/net10.0/CrudCqrs.Api.dll --urls "http://127.0.0.1:$on" > "$work/on.log" 2>&1 & pids+=($!)
wait_ready "http://127.0.0.1:$minimal/api/resources/x"; wait_ready "http://127.0.0.1:$off/health/ready"; wait_ready "http://127.0.0.1:$on/health/ready"

seed() { curl -s -X POST "http://127.0.0.1:$1/api/resources" -H 'Content-Type: application/json' -d '{"name":"Backend","description":"Go service"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])'; }
off_id=$(seed "$off"); on_id=$(seed "$on")

rps() { # url [script]
  local script=()
  [ -n "${2:-}" ] && script=(-s "$2")
  wrk -t2 -c"$connections" -d5s "${script[@]}" "$1" > /dev/null          # warm-up
  wrk -t2 -c"$connections" -d"${seconds}s" "${script[@]}" "$1" | tee -a "$work/wrk.txt" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non2xx " $4 > "/dev/stderr"}'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
read_min=$(rps "http://127.0.0.1:$minimal/api/resources/$off_id")
read_off=$(rps "http://127.0.0.1:$off/api/resources/$off_id")
read_on=$(rps "http://127.0.0.1:$on/api/resources/$on_id")
create_off=$(rps "http://127.0.0.1:$off/" bench/load/create.lua)
create_on=$(rps "http://127.0.0.1:$on/" bench/load/create.lua)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

cat <<TABLE
| workload | minimal Kestrel | telemetry off | telemetry on | on / off | off / minimal |
| --- | --- | --- | --- | --- | --- |
| read by id (req/s) | $read_min | $read_off | $read_on | $(ratio "$read_on" "$read_off") | $(ratio "$read_off" "$read_min") |
| create (req/s) | — | $create_off | $create_on | $(ratio "$create_on" "$create_off") | — |

wrk -t2 -c$connections -d${seconds}s after a 5 s warm-up, on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average after: $(cut -d' ' -f1-3 /proc/loadavg).
TABLE
grep -c '"level":"WARN"' "$work/on.log" | xargs -I{} echo "telemetry-on service wrote {} warning lines (export failures would show here)"
