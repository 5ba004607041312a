#!/usr/bin/env bash
# Service CPU per request for a page against a read by id, side by side in one run (issue 11's
# "constant cost per page": a page of 100 from the list and a page of 20 from search, blank and
# selective, at most 3x a read by id). One service, telemetry off, on a store of 300 resources:
#   read      GET /api/resources/{id}              a resource with 5 dependencies
#   list      GET /api/resources?limit=100
#   blank     GET /api/search?limit=20
#   selective GET /api/search?q=zebrafinch&limit=20  (30 of the 300 match; the trigram index path)
#   live      GET /health/live                     (the floor: Kestrel, routing, no store)
# CPU per request = the service process's utime+stime (/proc/PID/stat) over a wrk run / the
# requests wrk completed. Every case is warmed together first (the JIT's background tier-1
# compilation needs 30-45 s at full load on 2 cores), then each is warmed alone briefly and measured.
# Usage: bench/load/pages.sh [--duration S] [--warmup S] [--case-warmup S] [--rounds N] [--connections N]
#                            [--build DIR] [--against DIR] [--write-docs]
# With --rounds N the cases are measured N times in turn (the order reversed every other round);
# the table shows the median and the range. --build DIR serves a published build instead of building
# this tree; --against DIR serves a second build beside it (its own store, seeded alike), measured
# case by case in the same rounds, and the table gives both and their ratio per case (side by side
# in one run). Needs wrk (apt-get install -y wrk), curl, python3, the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

DURATION=15
WARMUP=40
CASE_WARMUP=5
ROUNDS=1
CONNECTIONS=32
THREADS=2
WRITE_DOCS=0
BUILD_DIR=""
AGAINST_DIR=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --case-warmup) CASE_WARMUP=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --write-docs) WRITE_DOCS=1; shift ;;
    --build) BUILD_DIR=$(cd "$2" && pwd); shift 2 ;;
    --against) AGAINST_DIR=$(cd "$2" && pwd); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

WORK=$(mktemp -d /tmp/crudcqrs-pages.XXXXXX)
declare -A SERVICE_PID BASE READ_ID
cleanup() {
  for pid in "${SERVICE_PID[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z $BUILD_DIR ]]; then
  echo "Building (Release)..."
  dotnet build -c Release -v q -nologo src/Api/Api.csproj >/dev/null
  BUILD_DIR=$ROOT/src/Api/bin/Release/net10.0
fi
declare -A BUILD=([this]=$BUILD_DIR)
SIDES=(this)
if [[ -n $AGAINST_DIR ]]; then BUILD[against]=$AGAINST_DIR; SIDES+=(against); fi

start_service() { # side
  local side=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  BASE[$side]=http://127.0.0.1:$port
  (
    cd "${BUILD[$side]}"
    export ConnectionStrings__Sqlite="Data Source=$WORK/pages-$side.db" Observability__Enabled=false ASPNETCORE_ENVIRONMENT=Production \
           Auth__Mode=None RateLimit__Enabled=false
    exec dotnet CrudCqrs.Api.dll --urls "${BASE[$side]}"
  ) >"$WORK/service-$side.log" 2>&1 &
  SERVICE_PID[$side]=$!
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "${BASE[$side]}/health/ready" && break
    kill -0 "${SERVICE_PID[$side]}" 2>/dev/null || { echo "the $side service exited:" >&2; cat "$WORK/service-$side.log" >&2; exit 1; }
    sleep 0.2
  done
  READ_ID[$side]=$(seed "$port")
}

# The store: 300 resources, each with 0-3 dependencies on earlier ones, every tenth described as
# a zebrafinch (the selective search's 30 matches), 3 forward dependencies (so the dependency
# order is not creation order), and the read target with 5 dependencies. Then every case is
# checked once for what it must answer, so a wrong page cannot pass as a fast one.
seed() { # port
python3 - "$1" <<'PY'
import http.client, json, sys
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, body=None):
    conn.request(method, path, json.dumps(body) if body is not None else None, {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status not in (200, 201):
        sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
    return response, (json.loads(data) if data else None)
ids = []
for i in range(299):
    deps = [ids[(i * 7 + k * 13) % i] for k in range(min(i % 4, i))] if i else []
    description = f"zebrafinch number {i}" if i % 10 == 0 else f"page benchmark resource {i}"
    _, created = call("POST", "/api/resources", {"name": f"page-item-{i:03}", "description": description, "dependencies": sorted(set(deps))})
    ids.append(created["id"])
for early, late in ((5, 250), (40, 290), (120, 201)):
    call("PUT", f"/api/resources/{ids[early]}", {"dependencies": [ids[late]]})
_, target = call("POST", "/api/resources", {"name": "read-target", "description": "read by id", "dependencies": ids[:5]})
for path, expected in (("/api/resources?limit=100", 100), ("/api/search?limit=20", 20), ("/api/search?q=zebrafinch&limit=20", 20)):
    response, page = call("GET", path)
    if len(page) != expected or response.getheader("X-Next-Cursor") is None or response.getheader("X-Total-Count") is None:
        sys.exit(f"{path}: {len(page)} items, X-Next-Cursor {response.getheader('X-Next-Cursor')!r}; expected a full page of {expected}")
total = call("GET", "/api/search?q=zebrafinch&limit=20")[0].getheader("X-Total-Count")
if total != "30":
    sys.exit(f"selective search counts {total} matches, expected 30")
print(target["id"])
PY
}

for side in "${SIDES[@]}"; do start_service "$side"; done

CASES=(read list blank selective live)
declare -A URLS=(
  [read]="/api/resources/{read}"
  [list]="/api/resources?limit=100"
  [blank]="/api/search?limit=20"
  [selective]="/api/search?q=zebrafinch&limit=20"
  [live]="/health/live"
)
TICKS_PER_SECOND=$(getconf CLK_TCK)
service_ticks() { awk '{print $14 + $15}' "/proc/${SERVICE_PID[$1]}/stat"; }

run_wrk() { # side output-file duration paths...
  local side=$1 out=$2 duration=$3; shift 3
  local paths=("${@//\{read\}/${READ_ID[$side]}}")
  PATHS="${paths[*]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${duration}s" --latency -s bench/load/paths.lua "${BASE[$side]}" >"$out"
  if grep -q "Non-2xx" "$out" || grep -qE "Unexpected statuses: [1-9]" "$out" || grep -q "Socket errors" "$out"; then
    echo "errors during the run (${*}):" >&2; cat "$out" >&2; exit 1
  fi
}

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg). Warm-up: all cases in turn for ${WARMUP} s..."
ALL_PATHS=()
for name in "${CASES[@]}"; do ALL_PATHS+=("${URLS[$name]}"); done
for side in "${SIDES[@]}"; do run_wrk "$side" "$WORK/warmup-$side.txt" "$WARMUP" "${ALL_PATHS[@]}"; done

RESULTS=$WORK/results.tsv
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  order=("${CASES[@]}")
  if (( round % 2 == 0 )); then order=(live selective blank list read); fi
  sides=("${SIDES[@]}")
  if (( round % 2 == 0 )); then sides=($(printf '%s\n' "${SIDES[@]}" | tac)); fi
  for name in "${order[@]}"; do
    for side in "${sides[@]}"; do
      run_wrk "$side" "$WORK/case-warmup.txt" "$CASE_WARMUP" "${URLS[$name]}"
      before=$(service_ticks "$side")
      run_wrk "$side" "$WORK/$name-$side-$round.txt" "$DURATION" "${URLS[$name]}"
      after=$(service_ticks "$side")
      requests=$(awk '/ requests in / {print $1}' "$WORK/$name-$side-$round.txt")
      rate=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name-$side-$round.txt")
      p99=$(awk '$1 == "99%" {print $2}' "$WORK/$name-$side-$round.txt")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$((after - before))" "$requests" "$rate" "$p99" "$side" >>"$RESULTS"
      printf '  round %s %-9s %-7s %8s req/s  %7.0f us CPU/request\n' "$round" "$name" "$side" "$rate" \
        "$(python3 -c "print(($after - $before) * 1e6 / $TICKS_PER_SECOND / $requests)")"
    done
  done
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

TABLE=$(python3 - "$RESULTS" "$TICKS_PER_SECOND" "$DURATION" "$WARMUP" "$CASE_WARMUP" "$CONNECTIONS" "$THREADS" "$ROUNDS" <<'PY'
import statistics, sys
path, ticks_per_second = sys.argv[1], int(sys.argv[2])
duration, warmup, case_warmup, connections, threads, rounds = sys.argv[3:9]
runs, against = {}, {}
for line in open(path):
    name, _round, ticks, requests, rate, p99, side = line.rstrip("\n").split("\t")
    (runs if side == "this" else against).setdefault(name, []).append((int(ticks) * 1e6 / ticks_per_second / int(requests), float(rate), p99))
def cpu(name): return statistics.median(r[0] for r in runs[name])
labels = {
    "read": "Read by id (`GET /api/resources/{id}`, 5 dependencies)",
    "list": "List page of 100 (`GET /api/resources?limit=100`)",
    "blank": "Blank search page of 20 (`GET /api/search?limit=20`)",
    "selective": "Selective search page of 20 (`GET /api/search?q=zebrafinch&limit=20`, 30 matches)",
    "live": "`GET /health/live` (no store)",
}
read = cpu("read")
print(f"wrk -t{threads} -c{connections} -d{duration}s per case, {rounds} round(s), after a {warmup} s warm-up of all cases "
      f"and {case_warmup} s of each; telemetry off; a store of 300 resources. CPU = the service process's utime+stime / requests.")
print()
spread = int(rounds) > 1
print("| Case | Service CPU per request | " + ("Range | " if spread else "") + "× read by id | Requests/s | p99 |")
print("|---|---:|" + ("---:|" if spread else "") + "---:|---:|---|")
for name in ("read", "list", "blank", "selective", "live"):
    values = [r[0] for r in runs[name]]
    rate = statistics.median(r[1] for r in runs[name])
    p99 = runs[name][len(runs[name]) // 2][2]
    range_cell = f"{min(values):,.0f}–{max(values):,.0f} µs | " if spread else ""
    print(f"| {labels[name]} | {cpu(name):,.0f} µs | {range_cell}{cpu(name) / read:.2f} | {rate:,.0f} | {p99} |")
print()
print("| Goal | Value | |")
print("|---|---:|---|")
for name, what in (("list", "List page of 100"), ("blank", "Blank search page of 20"), ("selective", "Selective search page of 20")):
    ratio = cpu(name) / read
    print(f"| {what} / read by id ≤ 3 | {ratio:.2f} | {'met' if ratio <= 3 else 'MISSED'} |")
if against:
    print()
    print("Side by side with the `--against` build (same rounds, each case measured on both in turn; ratio of the medians):")
    print()
    print("| Case | This build | Against | This / against |")
    print("|---|---:|---:|---:|")
    for name in ("read", "list", "blank", "selective", "live"):
        other = statistics.median(r[0] for r in against[name])
        print(f"| {labels[name]} | {cpu(name):,.0f} µs | {other:,.0f} µs | {cpu(name) / other:.2f} |")
PY
)
echo
echo "$TABLE"

if [[ $WRITE_DOCS == 1 ]]; then
  python3 - "$ROOT/docs/performance.md" "$TABLE" <<'PY'
import os, sys
path, table = sys.argv[1], sys.argv[2]
begin, end = "<!-- pages:begin -->", "<!-- pages:end -->"
text = open(path).read() if os.path.exists(path) else "# Performance\n"
block = f"{begin}\n{table.rstrip()}\n{end}"
i, j = text.find(begin), text.find(end)
text = text[:i] + block + text[j + len(end):] if i >= 0 and j > i else text.rstrip() + "\n\n" + block + "\n"
open(path, "w").write(text)
print(f"Written to {path}")
PY
fi
