#!/usr/bin/env bash
# Creates per second and one client's create latency, side by side in one run (ADR 009, 014):
#   previous  the build before group commit (--previous DIR, or --previous-rev REV checked out and
#             built Release in a temporary git worktree; default 3f7a50b)
#   group     this build, the default: a lone write commits at once, concurrent writes share one
#             transaction and one flush (synchronous=FULL)
#   single    this build, Database__GroupCommit=false: one transaction and one flush per write
#   flushless this build, group commit with Database__Synchronous=Off: no flush at all (unsafe; the
#             ceiling, for the ratio only)
# For each: creates/s, p99 and service CPU per create at --connections clients (32), and p50/p99 at
# one client. --repeat N measures every case N times in turn and reports the median and the range.
# Usage: bench/load/writes.sh [--previous DIR | --previous-rev REV | --no-previous] [--duration S]
#        [--warmup S] [--connections N] [--repeat N] [--write-docs]
# Needs wrk (apt-get install -y wrk), curl, python3, git and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

DURATION=15
WARMUP=30
CONNECTIONS=32
THREADS=2
REPEAT=1
WRITE_DOCS=0
PREVIOUS=""
PREVIOUS_REV=3f7a50b
while [[ $# -gt 0 ]]; do
  case "$1" in
    --previous) PREVIOUS=$2; shift 2 ;;
    --previous-rev) PREVIOUS_REV=$2; shift 2 ;;
    --no-previous) PREVIOUS_REV=""; shift ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --write-docs) WRITE_DOCS=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

WORK=$(mktemp -d /tmp/crudcqrs-writes.XXXXXX)
PIDS=()
PREVIOUS_WORKTREE=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $PREVIOUS_WORKTREE ]]; then git -C "$ROOT" worktree remove --force "$PREVIOUS_WORKTREE" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building this build (Release)..."
dotnet build -c Release -v q -nologo src/Api/Api.csproj >/dev/null
API_DLL=$ROOT/src/Api/bin/Release/net10.0/CrudCqrs.Api.dll

PREVIOUS_DLL=""
PREVIOUS_LABEL=""
if [[ -n $PREVIOUS ]]; then
  PREVIOUS_DLL=$PREVIOUS/src/Api/bin/Release/net10.0/CrudCqrs.Api.dll
  if [[ ! -f $PREVIOUS_DLL ]]; then
    echo "Building the previous build in $PREVIOUS (Release)..."
    dotnet build -c Release -v q -nologo "$PREVIOUS/src/Api/Api.csproj" >/dev/null
  fi
  PREVIOUS_LABEL=$(git -C "$PREVIOUS" rev-parse --short HEAD 2>/dev/null || basename "$PREVIOUS")
elif [[ -n $PREVIOUS_REV ]]; then
  PREVIOUS_WORKTREE=$WORK/previous
  echo "Building the previous build $PREVIOUS_REV in a temporary worktree (Release)..."
  git -C "$ROOT" worktree add --detach "$PREVIOUS_WORKTREE" "$PREVIOUS_REV" >/dev/null 2>&1
  dotnet build -c Release -v q -nologo "$PREVIOUS_WORKTREE/src/Api/Api.csproj" >/dev/null
  PREVIOUS_DLL=$PREVIOUS_WORKTREE/src/Api/bin/Release/net10.0/CrudCqrs.Api.dll
  PREVIOUS_LABEL=$PREVIOUS_REV
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # url
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "not ready: $1" >&2; exit 1
}

declare -A PORT SERVICE_PID
start_service() { # case dll group-commit synchronous
  local name=$1 dll=$2 port
  port=$(free_port)
  (
    cd "$(dirname "$dll")"
    export ConnectionStrings__Sqlite="Data Source=$WORK/$name.db" Observability__Enabled=false ASPNETCORE_ENVIRONMENT=Production \
           Auth__Mode=None RateLimit__Enabled=false Database__GroupCommit=$3 Database__Synchronous=$4
    exec dotnet "$dll" --urls "http://127.0.0.1:$port"
  ) >"$WORK/service-$name.log" 2>&1 &
  PIDS+=($!)
  SERVICE_PID[$name]=$!
  PORT[$name]=$port
}
CASES=()
if [[ -n $PREVIOUS_DLL ]]; then CASES+=(previous); start_service previous "$PREVIOUS_DLL" true Full; fi
CASES+=(group single flushless)
start_service group "$API_DLL" true Full
start_service single "$API_DLL" false Full
start_service flushless "$API_DLL" true Off
for name in "${CASES[@]}"; do
  wait_ready "http://127.0.0.1:${PORT[$name]}/health/ready"
done

# Each create names 5 dependencies that exist in its own store, as in load.sh.
for name in "${CASES[@]}"; do
  port=${PORT[$name]}
  ids=()
  for i in $(seq 1 5); do
    ids+=("$(curl -fs -X POST "http://127.0.0.1:$port/api/resources" -H 'Content-Type: application/json' \
      -d "{\"name\":\"seed-$i\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
  done
  deps=$(printf '%s\n' "${ids[@]}" | python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin]))')
  echo "{\"name\":\"load-create\",\"description\":\"created under load\",\"dependencies\":$deps}" >"$WORK/create-$name.json"
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_wrk() { # case connections seconds out -> writes the wrk output and "cpu ticks" to out
  local name=$1 connections=$2 seconds=$3 out=$4 threads=$THREADS before after
  (( connections < threads )) && threads=$connections
  before=$(cpu_ticks "${SERVICE_PID[$name]}")
  CREATE_BODY_FILE="$WORK/create-$name.json" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s bench/load/post.lua \
    "http://127.0.0.1:${PORT[$name]}/api/resources" >"$out"
  after=$(cpu_ticks "${SERVICE_PID[$name]}")
  echo "cpu_ticks $((after - before))" >>"$out"
  if grep -q "Non-2xx" "$out" || grep -qE "Unexpected statuses: [1-9]" "$out"; then
    echo "$name: errors during the run:" >&2; cat "$out" >&2; exit 1
  fi
  if ! awk '/Requests\/sec/ { exit !($2 > 0) }' "$out"; then
    echo "$name: no request completed:" >&2; cat "$out" >&2; exit 1
  fi
}

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The JIT needs tens of seconds of full load on 2 cores to reach steady state: each service is
# warmed up at full load first, then every round measures the cases one after another.
for name in "${CASES[@]}"; do
  echo "Warming up $name (${WARMUP} s at $CONNECTIONS clients)..."
  run_wrk "$name" "$CONNECTIONS" "$WARMUP" "$WORK/warmup-$name.txt"
done
for round in $(seq 1 "$REPEAT"); do
  for name in "${CASES[@]}"; do
    echo "Round $round: $name at $CONNECTIONS clients, then at 1 client (${DURATION} s each)"
    run_wrk "$name" "$CONNECTIONS" "$DURATION" "$WORK/wrk-$name-many-$round.txt"
    run_wrk "$name" 1 "$DURATION" "$WORK/wrk-$name-one-$round.txt"
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

TABLE=$(python3 - "$WORK" "$REPEAT" "$DURATION" "$CONNECTIONS" "$THREADS" "$WARMUP" "$PREVIOUS_LABEL" "$LOAD_AFTER" "${CASES[@]}" <<'PY'
import re, statistics, sys
work, repeat, duration, connections, threads, warmup, previous_label, load_after = sys.argv[1:9]
cases = sys.argv[9:]
repeat = int(repeat)

def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000}[m[2]]

def parse(path):
    text = open(path).read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])
    requests = int(re.search(r"^\s*(\d+) requests in", text, re.M)[1])
    ticks = int(re.search(r"cpu_ticks (\d+)", text)[1])
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M)}
    # /proc ticks are 10 ms: CPU per create in microseconds.
    return {"rate": rate, "p50": pct["50"], "p99": pct["99"], "cpu": ticks * 10000 / requests}

runs = {(c, load): [parse(f"{work}/wrk-{c}-{load}-{r}.txt") for r in range(1, repeat + 1)] for c in cases for load in ("many", "one")}

def med(c, load, key): return statistics.median(run[key] for run in runs[c, load])
def spread(c, load, key, fmt):
    values = [run[key] for run in runs[c, load]]
    return fmt(statistics.median(values)) if repeat == 1 else f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"

rate = lambda v: f"{v:,.0f}"
millis = lambda v: f"{v:.2f} ms"
micros = lambda v: f"{v:,.0f} µs"
names = {
    "previous": f"Previous build ({previous_label})",
    "group": "This build, group commit (default)",
    "single": "This build, `Database__GroupCommit=false`",
    "flushless": "This build, group commit, `Database__Synchronous=Off` (unsafe ceiling)",
}
print(f"wrk -t{threads} -c{connections} -d{duration}s per case, then -t1 -c1 -d{duration}s, after a {warmup} s warm-up of each service at "
      f"{connections} clients; {repeat} round(s), cases one after another in each"
      + ("; median (min–max) over the rounds" if repeat > 1 else "")
      + f". Each create names 5 dependencies; SQLite synchronous=FULL unless noted; telemetry off. Load average at the end: {load_after}.")
print()
print(f"| Case | Creates/s at {connections} clients | p99 | Service CPU per create | p50 at 1 client | p99 at 1 client |")
print("|---|---:|---:|---:|---:|---:|")
for c in cases:
    print(f"| {names[c]} | {spread(c, 'many', 'rate', rate)} | {spread(c, 'many', 'p99', millis)} | {spread(c, 'many', 'cpu', micros)} "
          f"| {spread(c, 'one', 'p50', millis)} | {spread(c, 'one', 'p99', millis)} |")
print()
def ok(met): return "met" if met else "MISSED"
# Ratios per round (the cases of one round ran back to back), then their median and range.
def ratio(fn):
    values = [fn(r) for r in range(repeat)]
    m = statistics.median(values)
    text = f"{m:.2f}" if repeat == 1 else f"{m:.2f} ({min(values):.2f}–{max(values):.2f})"
    return m, text
def get(c, load, key, r): return runs[c, load][r][key]
print("| Ratio | Value | Goal |")
print("|---|---:|---|")
if "previous" in cases:
    m, t = ratio(lambda r: get("group", "many", "rate", r) / get("previous", "many", "rate", r))
    print(f"| Creates at {connections} clients: group commit / previous build | {t} | ≥ 5, {ok(m >= 5)} |")
m, t = ratio(lambda r: get("group", "many", "rate", r) / get("flushless", "many", "rate", r))
print(f"| Creates at {connections} clients: group commit / flushless | {t} | ≥ 0.7, {ok(m >= 0.7)} |")
m, t = ratio(lambda r: get("group", "many", "rate", r) / get("single", "many", "rate", r))
print(f"| Creates at {connections} clients: group commit / one transaction per write (same build) | {t} | for information |")
if "previous" in cases:
    m, t = ratio(lambda r: get("group", "one", "p50", r) / get("previous", "one", "p50", r))
    # 5 % of slack: at one client the p50 is a few milliseconds, mostly the disk's flush.
    print(f"| 1 client p50: group commit / previous build | {t} | ≤ 1 (no worse), {ok(m <= 1.05)} |")
m, t = ratio(lambda r: get("group", "one", "p50", r) / get("single", "one", "p50", r))
print(f"| 1 client p50: group commit / one transaction per write (same build) | {t} | ≤ 1, {ok(m <= 1.05)} |")
if "previous" in cases:
    m, t = ratio(lambda r: get("group", "many", "cpu", r) / get("previous", "many", "cpu", r))
    print(f"| Service CPU per create at {connections} clients: group commit / previous build | {t} | for information |")
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
