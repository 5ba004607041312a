#!/usr/bin/env bash
# What telemetry costs per read, in service CPU, with the service pinned to 1, 2, ... cores.
# Three services of one build, each pinned with taskset to the same cores:
#   off    Observability__Enabled=false (stdout JSON lines only)
#   on     full telemetry, 100 % sampling, OTLP/HTTP to a sink
#   on10   the same at 10 % sampling (Observability__TracesSampleRate=0.1)
# The sink (CrudCqrs.MinimalEndpoint --receiver, 200 at once) and wrk run on the cores the service
# does not use; when the service has every core ("all"), they share them and the table says so.
# Rounds measure the three one after another (order rotated per round), so drift on a busy machine
# touches all three; each cell is service CPU (utime+stime from /proc/PID/stat over the measured
# window) divided by the requests wrk completed in it. "added" is on − off (and on10 − off) taken
# within each round, then the median over the rounds.
# Usage: bench/load/telemetry-cost.sh [--cores "1 2 all"] [--rounds N] [--warmup S] [--duration S]
#                                     [--connections N] [--api DIR] [--write-docs]
#   --api DIR: a Release output directory of src/Api to measure instead of building this checkout.
#   EXTRA_ON="VAR=value ...": extra settings for the on and on10 services (e.g. OTEL_BSP_* to compare).
# Needs wrk (apt-get install -y wrk), taskset, curl, python3 and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

CORES="1 2 all"
ROUNDS=5
WARMUP=30
DURATION=8
CONNECTIONS=32
API_DIR=""
WRITE_DOCS=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cores) CORES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --api) API_DIR=$(cd "$2" && pwd); shift 2 ;;
    --write-docs) WRITE_DOCS=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in wrk taskset curl python3; do command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }; done

WORK=$(mktemp -d /tmp/crudcqrs-telemetry-cost.XXXXXX)
PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

if [[ -z $API_DIR ]]; then
  echo "Building (Release)..."
  dotnet build -c Release -v q -nologo src/Api/Api.csproj >/dev/null
  API_DIR=$ROOT/src/Api/bin/Release/net10.0
fi
dotnet build -c Release -v q -nologo bench/CrudCqrs.MinimalEndpoint/CrudCqrs.MinimalEndpoint.csproj >/dev/null
SINK_DLL=$ROOT/bench/CrudCqrs.MinimalEndpoint/bin/Release/net10.0/CrudCqrs.MinimalEndpoint.dll
TCK=$(getconf CLK_TCK)
NCPU=$(nproc)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # url
  for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "not ready: $1" >&2; exit 1
}
new_id() { # port name [dependencies-json]
  curl -fs -X POST "http://127.0.0.1:$1/api/resources" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$2\",\"description\":\"telemetry cost\",\"dependencies\":${3:-[]}}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

VARIANTS=(off on on10)
RESULTS=$WORK/results.tsv   # cores variant round us_per_read req_per_s
: >"$RESULTS"
declare -A NOTE
for cores in $CORES; do
  n=$cores; [[ $n == all ]] && n=$NCPU
  (( n <= NCPU )) || { echo "skipping $cores cores: this machine has $NCPU" >&2; continue; }
  service_cpus="0-$((n - 1))"
  if (( n < NCPU )); then
    load_cpus="$n-$((NCPU - 1))"; NOTE[$cores]="service on cpus $service_cpus, wrk and sink on $load_cpus"
  else
    load_cpus="0-$((NCPU - 1))"; NOTE[$cores]="service on cpus $service_cpus, wrk and sink share them"
  fi
  load_count=$(( n < NCPU ? NCPU - n : NCPU ))
  threads=$(( load_count < 6 ? load_count : 6 ))   # wrk threads: one per load core, up to 6
  sink_port=$(free_port)
  taskset -c "$load_cpus" dotnet "$SINK_DLL" --receiver --urls "http://127.0.0.1:$sink_port" >"$WORK/sink-$cores.log" 2>&1 &
  PIDS+=($!)
  declare -A PID PORT URL
  for variant in "${VARIANTS[@]}"; do
    port=$(free_port); PORT[$variant]=$port
    settings=(ConnectionStrings__Sqlite="Data Source=$WORK/$cores-$variant.db" ASPNETCORE_ENVIRONMENT=Production
              Auth__Mode=None RateLimit__Enabled=false)
    case $variant in
      off) settings+=(Observability__Enabled=false) ;;
      on|on10)
        settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$sink_port" Observability__OtlpProtocol=http/protobuf
                   Observability__MetricsExportIntervalMs=5000 ${EXTRA_ON:-})
        [[ $variant == on10 ]] && settings+=(Observability__TracesSampleRate=0.1) ;;
    esac
    (cd "$API_DIR" && exec env "${settings[@]}" taskset -c "$service_cpus" dotnet CrudCqrs.Api.dll --urls "http://127.0.0.1:$port") \
      >"$WORK/service-$cores-$variant.log" 2>&1 &
    PID[$variant]=$!; PIDS+=($!)
  done
  for variant in "${VARIANTS[@]}"; do
    port=${PORT[$variant]}
    wait_ready "http://127.0.0.1:$port/health/ready"
    # The read target names five dependencies, as in load.sh.
    deps=$(for i in 1 2 3 4 5; do new_id "$port" "dependency-$i"; done | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')
    URL[$variant]="http://127.0.0.1:$port/api/resources/$(new_id "$port" read-target "$deps")"
  done
  run_wrk() { # url seconds out
    taskset -c "$load_cpus" wrk -t"$threads" -c"$CONNECTIONS" -d"$2s" "$1" >"$3"
    if grep -q "Non-2xx" "$3"; then echo "errors during the run against $1:" >&2; cat "$3" >&2; exit 1; fi
  }
  echo "== $cores core(s) (${NOTE[$cores]}; wrk -t$threads -c$CONNECTIONS): warm-up ${WARMUP} s each, load average $(cut -d' ' -f1 /proc/loadavg)"
  for variant in "${VARIANTS[@]}"; do run_wrk "${URL[$variant]}" "$WARMUP" "$WORK/warm.txt"; done
  for round in $(seq 1 "$ROUNDS"); do
    order=("${VARIANTS[@]:$(( (round - 1) % 3 ))}" "${VARIANTS[@]:0:$(( (round - 1) % 3 ))}")
    line="round $round:"
    for variant in "${order[@]}"; do
      t0=$(cpu_ticks "${PID[$variant]}")
      run_wrk "${URL[$variant]}" "$DURATION" "$WORK/wrk.txt"
      t1=$(cpu_ticks "${PID[$variant]}")
      requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt"); rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
      us=$(python3 -c "print(round(($t1 - $t0) * 1e6 / $TCK / $requests, 1))")
      printf '%s\t%s\t%s\t%s\t%s\n' "$cores" "$variant" "$round" "$us" "$rps" >>"$RESULTS"
      line="$line $variant $us us ($rps req/s)"
    done
    echo "$line, load $(cut -d' ' -f1 /proc/loadavg)"
  done
  grep -hi "drop" "$WORK"/service-"$cores"-on*.log | head -3 || true
  stop_all
done

TABLE=$(python3 - "$RESULTS" "$ROUNDS" "$DURATION" "$WARMUP" "$CONNECTIONS" "$NCPU" "${EXTRA_ON:-}" \
  "$(for c in $CORES; do printf '%s=%s;' "$c" "${NOTE[$c]:-}"; done)" <<'PY'
import collections, statistics, sys
path, rounds, duration, warmup, connections, ncpu, extra, notes = sys.argv[1:9]
rows = [line.split("\t") for line in open(path).read().splitlines()]
us = collections.defaultdict(dict); rps = collections.defaultdict(list)
for cores, variant, rnd, u, r in rows:
    us[(cores, variant)][rnd] = float(u); rps[(cores, variant)].append(float(r))
notes = dict(n.split("=", 1) for n in notes.split(";") if n)
def med(values): return statistics.median(values) if values else float("nan")
def added(cores, variant):
    on, off = us[(cores, variant)], us[(cores, "off")]
    diffs = sorted(on[r] - off[r] for r in on if r in off)
    return f"{med(diffs):.1f} ({diffs[0]:.1f} to {diffs[-1]:.1f})" if diffs else "–"
print(f"wrk -c{connections}, {rounds} rounds of {duration} s per service after a {warmup} s warm-up of each; "
      f"median service CPU per read (utime+stime / requests); added = on − off within each round, median (range). "
      f"This machine: {ncpu} cores." + (f" Extra settings on the telemetry-on services: {extra}." if extra else ""))
print()
print("| cores | off: µs/read (reads/s) | on 100 %: µs/read (reads/s) | on 10 %: µs/read (reads/s) | added at 100 % | added at 10 % | placement |")
print("|---|---:|---:|---:|---:|---:|---|")
for cores in dict.fromkeys(c for c, _ in us):
    cells = [f"{med(list(us[(cores, v)].values())):.1f} ({med(rps[(cores, v)]):,.0f})" for v in ("off", "on", "on10")]
    print(f"| {cores} | {' | '.join(cells)} | {added(cores, 'on')} | {added(cores, 'on10')} | {notes.get(cores, '')} |")
PY
)
echo
echo "$TABLE"

if [[ $WRITE_DOCS == 1 ]]; then
  python3 - "$ROOT/docs/performance.md" "$TABLE" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
begin, end = "<!-- telemetry-cost:begin -->", "<!-- telemetry-cost:end -->"
text = open(path).read()
block = f"{begin}\n{table.rstrip()}\n{end}"
i, j = text.find(begin), text.find(end)
text = text[:i] + block + text[j + len(end):] if i >= 0 and j > i else text.rstrip() + "\n\n" + block + "\n"
open(path, "w").write(text)
print(f"Written to {path}")
PY
fi
