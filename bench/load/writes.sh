#!/usr/bin/env bash
# Creates per second with SQLite group commit (ADR 009), side by side in one run:
#   group     the default: concurrent writes share one transaction and one flush (synchronous=FULL)
#   single    Database__GroupCommit=false: one transaction and one flush per write (the path before group commit)
#   flushless group commit with Database__Synchronous=Off: no flush at all (unsafe; the ceiling, for the ratio only)
# at --connections clients (32), then one client's create latency (p50) for group and single.
# Usage: bench/load/writes.sh [--duration SECONDS] [--warmup SECONDS] [--connections N] [--write-docs]
# Needs wrk (apt-get install -y wrk), curl, python3, and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

DURATION=15
WARMUP=15
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

WORK=$(mktemp -d /tmp/crudcqrs-writes.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building (Release)..."
dotnet build -c Release -v q -nologo src/Api/Api.csproj >/dev/null
API_DLL=$ROOT/src/Api/bin/Release/net10.0/CrudCqrs.Api.dll

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # url
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "not ready: $1" >&2; exit 1
}

start_service() { # port db group-commit synchronous
  local port=$1 db=$2
  (
    cd "$(dirname "$API_DLL")"
    export ConnectionStrings__Sqlite="Data Source=$db" Observability__Enabled=false ASPNETCORE_ENVIRONMENT=Production \
           Auth__Mode=None RateLimit__Enabled=false Database__GroupCommit=$3 Database__Synchronous=$4
    exec dotnet "$API_DLL" --urls "http://127.0.0.1:$port"
  ) >"$WORK/service-$port.log" 2>&1 &
  PIDS+=($!)
}
GROUP_PORT=$(free_port); SINGLE_PORT=$(free_port); FLUSHLESS_PORT=$(free_port)
start_service "$GROUP_PORT" "$WORK/group.db" true Full
start_service "$SINGLE_PORT" "$WORK/single.db" false Full
start_service "$FLUSHLESS_PORT" "$WORK/flushless.db" true Off
for port in "$GROUP_PORT" "$SINGLE_PORT" "$FLUSHLESS_PORT"; do
  wait_ready "http://127.0.0.1:$port/health/ready"
done

# Each create names 5 dependencies that exist in its own store, as in load.sh.
for port in "$GROUP_PORT" "$SINGLE_PORT" "$FLUSHLESS_PORT"; do
  ids=()
  for i in $(seq 1 5); do
    ids+=("$(curl -fs -X POST "http://127.0.0.1:$port/api/resources" -H 'Content-Type: application/json' \
      -d "{\"name\":\"seed-$i\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
  done
  deps=$(printf '%s\n' "${ids[@]}" | python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin]))')
  echo "{\"name\":\"load-create\",\"description\":\"created under load\",\"dependencies\":$deps}" >"$WORK/create-$port.json"
done

run_wrk() { # label port connections -> prints requests/s
  local label=$1 port=$2 connections=$3 out="$WORK/wrk-$1.txt" threads=$THREADS
  (( connections < threads )) && threads=$connections
  CREATE_BODY_FILE="$WORK/create-$port.json" wrk -t"$threads" -c"$connections" -d"${WARMUP}s" -s bench/load/post.lua \
    "http://127.0.0.1:$port/api/resources" >/dev/null   # warm-up
  CREATE_BODY_FILE="$WORK/create-$port.json" wrk -t"$threads" -c"$connections" -d"${DURATION}s" --latency -s bench/load/post.lua \
    "http://127.0.0.1:$port/api/resources" >"$out"
  if grep -q "Non-2xx" "$out" || grep -qE "Unexpected statuses: [1-9]" "$out"; then
    echo "$label: errors during the run:" >&2; cat "$out" >&2; exit 1
  fi
  local rate
  rate=$(awk '/Requests\/sec/ {print $2}' "$out")
  if ! awk -v r="$rate" 'BEGIN { exit !(r > 0) }'; then
    echo "$label: no request completed:" >&2; cat "$out" >&2; exit 1
  fi
  echo "$rate"
}
percentile() { awk -v p="$2" '$1==p {print $2}' "$WORK/wrk-$1.txt"; }

echo "Creates: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per case (after a ${WARMUP} s warm-up), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
GROUP=$(run_wrk group "$GROUP_PORT" "$CONNECTIONS")
SINGLE=$(run_wrk single "$SINGLE_PORT" "$CONNECTIONS")
FLUSHLESS=$(run_wrk flushless "$FLUSHLESS_PORT" "$CONNECTIONS")
GROUP_ONE=$(run_wrk group-one "$GROUP_PORT" 1)
SINGLE_ONE=$(run_wrk single-one "$SINGLE_PORT" 1)

TABLE=$(python3 - "$GROUP" "$SINGLE" "$FLUSHLESS" "$GROUP_ONE" "$SINGLE_ONE" \
  "$(percentile group 99%)" "$(percentile single 99%)" "$(percentile flushless 99%)" \
  "$(percentile group-one 50%)" "$(percentile single-one 50%)" "$DURATION" "$CONNECTIONS" "$THREADS" "$WARMUP" <<'PY'
import re, sys
group, single, flushless, group_one, single_one = map(float, sys.argv[1:6])
p99_group, p99_single, p99_flushless, p50_group_one, p50_single_one = sys.argv[6:11]
duration, connections, threads, warmup = sys.argv[11:15]
def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000}[m[2]]
def ok(met): return "met" if met else "MISSED"
print(f"wrk -t{threads} -c{connections} -d{duration}s per case after a {warmup} s warm-up at the same load, one case after another in one run; "
      "each create names 5 dependencies; SQLite synchronous=FULL unless noted.")
print()
print(f"| Case | Creates/s at {connections} clients | p99 | Creates/s at 1 client | p50 at 1 client |")
print("|---|---:|---|---:|---|")
print(f"| Group commit (default) | {group:,.0f} | {p99_group} | {group_one:,.0f} | {p50_group_one} |")
print(f"| One transaction per write (`Database__GroupCommit=false`) | {single:,.0f} | {p99_single} | {single_one:,.0f} | {p50_single_one} |")
print(f"| Group commit, `Database__Synchronous=Off` (unsafe ceiling) | {flushless:,.0f} | {p99_flushless} | | |")
print()
print("| Ratio | Value | Goal |")
print("|---|---:|---|")
print(f"| Creates at {connections} clients: group / one per write | {group/single:.2f} | ≥ 5, {ok(group/single >= 5)} |")
print(f"| Creates at {connections} clients: group / flushless | {group/flushless:.2f} | ≥ 0.7, {ok(group/flushless >= 0.7)} |")
print(f"| 1 client p50: group / one per write | {ms(p50_group_one)/ms(p50_single_one):.2f} | ≤ 1 (no worse), {ok(ms(p50_group_one) <= ms(p50_single_one) * 1.05)} |")
PY
)
echo
echo "$TABLE"

if [[ $WRITE_DOCS == 1 ]]; then
  python3 - "$ROOT/docs/performance.md" "$TABLE" <<'PY'
import os, sys
path, table = sys.argv[1], sys.argv[2]
begin, end = "<!-- writes:begin -->", "<!-- writes:end -->"
text = open(path).read() if os.path.exists(path) else "# Performance\n"
block = f"{begin}\n{table.rstrip()}\n{end}"
i, j = text.find(begin), text.find(end)
text = text[:i] + block + text[j + len(end):] if i >= 0 and j > i else text.rstrip() + "\n\n" + block + "\n"
open(path, "w").write(text)
print(f"Written to {path}")
PY
fi
