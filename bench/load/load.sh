#!/usr/bin/env bash
# Requests per second for read-by-id and create against, side by side in one run:
#   off      the service with Observability__Enabled=false
#   on       the service with full telemetry: 100% sampling, OTLP traces, metrics and logs over
#            http/protobuf, JSON log lines on stdout
#   on10     the same at 10% sampling (Observability__TracesSampleRate=0.1)
#   on10f    10% sampling with Observability__LogsFollowSampling=true (unsampled requests' lines
#            go to stdout only)
#   minimal  bare Kestrel serving the same resource JSON from memory (the ceiling)
# The OTLP receiver is a sink (CrudCqrs.MinimalEndpoint --receiver: 200 with an empty body at
# once), so the ratios measure the service's own telemetry work, not a receiver's parsing on the
# same cores.
# Usage: bench/load/load.sh [--duration SECONDS] [--warmup SECONDS] [--connections N] [--write-docs]
# Each case is warmed at full load first: on 2 cores the JIT's background tier-1 compilation
# needs ~15 s under load before a .NET service reaches its steady state (3 s measured half of it).
# Needs wrk (apt-get install -y wrk), curl, python3, and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

DURATION=15
WARMUP=30
CONNECTIONS=32
THREADS=2
WRITE_DOCS=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --write-docs) WRITE_DOCS=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

WORK=$(mktemp -d /tmp/crudcqrs-load.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building (Release)..."
dotnet build -c Release -v q -nologo src/Api/Api.csproj >/dev/null
dotnet build -c Release -v q -nologo bench/CrudCqrs.MinimalEndpoint/CrudCqrs.MinimalEndpoint.csproj >/dev/null
API_DLL=$ROOT/src/Api/bin/Release/net10.0/CrudCqrs.Api.dll
MIN_DLL=$ROOT/bench/CrudCqrs.MinimalEndpoint/bin/Release/net10.0/CrudCqrs.MinimalEndpoint.dll

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # url
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "not ready: $1" >&2; exit 1
}

RECEIVER_PORT=$(free_port); OFF_PORT=$(free_port); ON_PORT=$(free_port); ON10_PORT=$(free_port); ON10F_PORT=$(free_port); MIN_PORT=$(free_port)

# The OTLP sink the telemetry-on services export to.
dotnet "$MIN_DLL" --receiver --urls "http://127.0.0.1:$RECEIVER_PORT" >"$WORK/receiver.log" 2>&1 &
PIDS+=($!)

start_service() { # port db observability-enabled [sample-rate] [logs-follow-sampling]
  local port=$1 db=$2 enabled=$3 rate=${4:-1.0} follow=${5:-false}
  (
    cd "$(dirname "$API_DLL")"
    export ConnectionStrings__Sqlite="Data Source=$db" Observability__Enabled=$enabled ASPNETCORE_ENVIRONMENT=Production \
           Auth__Mode=None RateLimit__Enabled=false
    if [[ $enabled == true ]]; then
      export Observability__OtlpEndpoint="http://127.0.0.1:$RECEIVER_PORT" Observability__OtlpProtocol=http/protobuf \
             Observability__TracesSampleRate=$rate Observability__MetricsExportIntervalMs=5000 \
             Observability__LogsFollowSampling=$follow
    fi
    exec dotnet "$API_DLL" --urls "http://127.0.0.1:$port"
  ) >"$WORK/service-$port.log" 2>&1 &
  PIDS+=($!)
}
start_service "$OFF_PORT" "$WORK/off.db" false
start_service "$ON_PORT" "$WORK/on.db" true
start_service "$ON10_PORT" "$WORK/on10.db" true 0.1
start_service "$ON10F_PORT" "$WORK/on10f.db" true 0.1 true
wait_ready "http://127.0.0.1:$OFF_PORT/health/ready"
wait_ready "http://127.0.0.1:$ON_PORT/health/ready"
wait_ready "http://127.0.0.1:$ON10_PORT/health/ready"
wait_ready "http://127.0.0.1:$ON10F_PORT/health/ready"

# Same data in both stores: 200 resources; the read target has 5 dependencies; creates name 5.
seed() { # port -> writes ids to $WORK/ids-$port
  local port=$1 ids=()
  for i in $(seq 1 200); do
    ids+=("$(curl -fs -X POST "http://127.0.0.1:$port/api/resources" -H 'Content-Type: application/json' \
      -d "{\"name\":\"seed-$i\",\"description\":\"seeded for the load run\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
  done
  printf '%s\n' "${ids[@]}" >"$WORK/ids-$port"
}
five_deps() { # port -> JSON array of 5 ids
  sed -n '10p;50p;90p;130p;170p' "$WORK/ids-$1" | python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin]))'
}
read_target() { # port -> id of a resource with 5 dependencies
  curl -fs -X POST "http://127.0.0.1:$1/api/resources" -H 'Content-Type: application/json' \
    -d "{\"name\":\"read-target\",\"description\":\"the resource every read asks for\",\"dependencies\":$(five_deps "$1")}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
echo "Seeding..."
seed "$OFF_PORT"; seed "$ON_PORT"; seed "$ON10_PORT"; seed "$ON10F_PORT"
OFF_ID=$(read_target "$OFF_PORT"); ON_ID=$(read_target "$ON_PORT"); ON10_ID=$(read_target "$ON10_PORT"); ON10F_ID=$(read_target "$ON10F_PORT")
curl -fs "http://127.0.0.1:$OFF_PORT/api/resources/$OFF_ID" >"$WORK/resource.json"

dotnet "$MIN_DLL" --urls "http://127.0.0.1:$MIN_PORT" --resource-json "$WORK/resource.json" >"$WORK/minimal.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$MIN_PORT/api/resources/$OFF_ID"

for port in "$OFF_PORT" "$ON_PORT" "$MIN_PORT"; do
  src=$OFF_PORT; [[ $port == "$ON_PORT" ]] && src=$ON_PORT
  echo "{\"name\":\"load-create\",\"description\":\"created under load\",\"dependencies\":$(five_deps "$src")}" >"$WORK/create-$port.json"
done

run_wrk() { # label url [lua body-file] -> prints requests/s
  local label=$1 url=$2 out="$WORK/wrk-$1.txt"
  if [[ $# -gt 2 ]]; then
    CREATE_BODY_FILE=$4 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$3" "$url" >/dev/null   # warm-up
    CREATE_BODY_FILE=$4 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$3" "$url" >"$out"
  else
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null   # warm-up
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" >"$out"
  fi
  if grep -q "Non-2xx" "$out" || grep -qE "Unexpected statuses: [1-9]" "$out"; then
    echo "$label: errors during the run:" >&2; cat "$out" >&2; exit 1
  fi
  awk '/Requests\/sec/ {print $2}' "$out"
}

echo "Services: RateLimit__Enabled=false (the per-client limiter is off: wrk is one client far above its rate), Auth__Mode=None"
echo "Load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per case (after a ${WARMUP} s warm-up), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
READ_OFF=$(run_wrk read-off "http://127.0.0.1:$OFF_PORT/api/resources/$OFF_ID")
READ_ON=$(run_wrk read-on "http://127.0.0.1:$ON_PORT/api/resources/$ON_ID")
READ_ON10=$(run_wrk read-on10 "http://127.0.0.1:$ON10_PORT/api/resources/$ON10_ID")
READ_ON10F=$(run_wrk read-on10f "http://127.0.0.1:$ON10F_PORT/api/resources/$ON10F_ID")
READ_MIN=$(run_wrk read-min "http://127.0.0.1:$MIN_PORT/api/resources/$OFF_ID")
CREATE_OFF=$(run_wrk create-off "http://127.0.0.1:$OFF_PORT/api/resources" bench/load/post.lua "$WORK/create-$OFF_PORT.json")
CREATE_ON=$(run_wrk create-on "http://127.0.0.1:$ON_PORT/api/resources" bench/load/post.lua "$WORK/create-$ON_PORT.json")
CREATE_MIN=$(run_wrk create-min "http://127.0.0.1:$MIN_PORT/api/resources" bench/load/post.lua "$WORK/create-$MIN_PORT.json")
EXPORTS=$(curl -fs "http://127.0.0.1:$RECEIVER_PORT/exports")

p99() { awk '$1=="99%" {print $2}' "$WORK/wrk-$1.txt"; }
TABLE=$(python3 - "$READ_OFF" "$READ_ON" "$READ_MIN" "$CREATE_OFF" "$CREATE_ON" "$CREATE_MIN" \
  "$(p99 read-off)" "$(p99 read-on)" "$(p99 read-min)" "$(p99 create-off)" "$(p99 create-on)" "$(p99 create-min)" \
  "$DURATION" "$CONNECTIONS" "$THREADS" "$EXPORTS" "$WARMUP" "$READ_ON10" "$(p99 read-on10)" "$READ_ON10F" "$(p99 read-on10f)" <<'PY'
import sys
ro, rn, rm, co, cn, cm = map(float, sys.argv[1:7])
p = sys.argv[7:13]
duration, connections, threads, exports, warmup = sys.argv[13:18]
r10, p10 = float(sys.argv[18]), sys.argv[19]
r10f, p10f = float(sys.argv[20]), sys.argv[21]
def ok(value, goal): return "met" if value >= goal else "MISSED"
print(f"wrk -t{threads} -c{connections} -d{duration}s per case after a {warmup} s warm-up at the same load, one case after another in one run; "
      f"the telemetry-on services sent {exports} OTLP exports to the sink receiver. "
      f"The services run with the rate limiter off (RateLimit__Enabled=false) and Auth__Mode=None.")
print()
print("| Case | Telemetry off (req/s) | Telemetry on (req/s) | Minimal Kestrel (req/s) | p99 off / on / minimal |")
print("|---|---:|---:|---:|---|")
print(f"| Read by id | {ro:,.0f} | {rn:,.0f} | {rm:,.0f} | {p[0]} / {p[1]} / {p[2]} |")
print(f"| Read by id, 10 % sampling | | {r10:,.0f} | | on: {p10} |")
print(f"| Read by id, 10 % sampling, logs follow sampling | | {r10f:,.0f} | | on: {p10f} |")
print(f"| Create, 5 dependencies | {co:,.0f} | {cn:,.0f} | {cm:,.0f} | {p[3]} / {p[4]} / {p[5]} |")
print()
print("| Ratio | Value | Goal |")
print("|---|---:|---|")
print(f"| Read: telemetry on / off | {rn/ro:.2f} | ≥ 0.85, {ok(rn/ro, 0.85)} |")
print(f"| Read at 10 % sampling / off | {r10/ro:.2f} | ≥ 0.95, {ok(r10/ro, 0.95)} |")
print(f"| Read at 10 % sampling, Observability__LogsFollowSampling=true / off | {r10f/ro:.2f} | ≥ 0.95, {ok(r10f/ro, 0.95)} |")
print(f"| Create: telemetry on / off | {cn/co:.2f} | ≥ 0.95, {ok(cn/co, 0.95)} |")
print(f"| Read: telemetry off / minimal | {ro/rm:.2f} | ≥ 0.5, {ok(ro/rm, 0.5)} |")
print(f"| Create: telemetry off / minimal (for information) | {co/cm:.2f} | none |")
PY
)
echo
echo "$TABLE"

if [[ $WRITE_DOCS == 1 ]]; then
  python3 - "$ROOT/docs/performance.md" "$TABLE" <<'PY'
import os, sys
path, table = sys.argv[1], sys.argv[2]
begin, end = "<!-- load:begin -->", "<!-- load:end -->"
text = open(path).read() if os.path.exists(path) else "# Performance\n"
block = f"{begin}\n{table.rstrip()}\n{end}"
i, j = text.find(begin), text.find(end)
text = text[:i] + block + text[j + len(end):] if i >= 0 and j > i else text.rstrip() + "\n\n" + block + "\n"
os.makedirs(os.path.dirname(path), exist_ok=True)
open(path, "w").write(text)
print(f"Written to {path}")
PY
fi
