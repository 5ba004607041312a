#!/usr/bin/env bash
# Service CPU per read of two builds served side by side: both under the same load at the same
# time (wrk -t1 -c16 each), so a busy machine slows both alike; rounds are paired and the median
# of the per-round differences is the answer. For changes of a few microseconds on a shared machine.
# Usage: bench/profile/side-by-side.sh BUILD_DIR_A BUILD_DIR_B off|on|on10|on10f [ROUNDS] [WARMUP_S] [ROUND_S]
#   BUILD_DIR_*: a Release output directory of src/Api (a copy, so the other build can be rebuilt).
#   EXTRA_A / EXTRA_B: extra VAR=value settings for one side (e.g. EXTRA_B=OTEL_METRICS_EXEMPLAR_FILTER=always_off).
set -euo pipefail
A=$1 B=$2 CASE=$3 ROUNDS=${4:-8} WARMUP=${5:-90} SECS=${6:-8}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build -c Release -v q -nologo "$ROOT/bench/CrudCqrs.MinimalEndpoint/CrudCqrs.MinimalEndpoint.csproj" >/dev/null
SINK_DLL=$ROOT/bench/CrudCqrs.MinimalEndpoint/bin/Release/net10.0/CrudCqrs.MinimalEndpoint.dll
WORK=$(mktemp -d /tmp/crudcqrs-side-by-side.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
SINK_PORT=$(free_port)
dotnet "$SINK_DLL" --receiver --urls "http://127.0.0.1:$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
declare -A PID URL
for side in A B; do
  dir=${!side}; port=$(free_port)
  settings=(ConnectionStrings__Sqlite="Data Source=$WORK/$side.db" ASPNETCORE_ENVIRONMENT=Production Auth__Mode=None RateLimit__Enabled=false)
  case $CASE in
    off) settings+=(Observability__Enabled=false) ;;
    on) settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" Observability__OtlpProtocol=http/protobuf) ;;
    on10) settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" Observability__OtlpProtocol=http/protobuf Observability__TracesSampleRate=0.1) ;;
    on10f) settings+=(Observability__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" Observability__OtlpProtocol=http/protobuf Observability__TracesSampleRate=0.1 Observability__LogsFollowSampling=true) ;;
    *) echo "unknown case $CASE (off, on, on10, on10f)" >&2; exit 2 ;;
  esac
  extra_var=EXTRA_$side; settings+=(${!extra_var:-})
  (cd "$dir" && exec env "${settings[@]}" dotnet CrudCqrs.Api.dll --urls "http://127.0.0.1:$port") >"$WORK/service-$side.log" 2>&1 &
  PID[$side]=$!; PIDS+=($!)
  for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.2; done
  id=$(curl -fs -X POST "http://127.0.0.1:$port/api/resources" -H 'Content-Type: application/json' -d '{"name":"ab","description":"x"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  URL[$side]="http://127.0.0.1:$port/api/resources/$id"
done
wrk -t1 -c16 -d"${WARMUP}s" "${URL[A]}" >/dev/null & warm=$!; wrk -t1 -c16 -d"${WARMUP}s" "${URL[B]}" >/dev/null; wait $warm
declare -A RES
DIFFS=""
for r in $(seq 1 $ROUNDS); do
  declare -A T0 T1
  for side in A B; do T0[$side]=$(awk '{print $14+$15}' /proc/${PID[$side]}/stat); done
  wrk -t1 -c16 -d"${SECS}s" "${URL[A]}" >$WORK/wA.txt & wa=$!
  wrk -t1 -c16 -d"${SECS}s" "${URL[B]}" >$WORK/wB.txt
  wait $wa
  for side in A B; do T1[$side]=$(awk '{print $14+$15}' /proc/${PID[$side]}/stat); done
  line="round $r:"
  declare -A US
  for side in A B; do
    n=$(awk '/requests in/ {print $1}' $WORK/w$side.txt); rps=$(awk '/Requests\/sec/ {print $2}' $WORK/w$side.txt)
    US[$side]=$(python3 -c "print(round((${T1[$side]}-${T0[$side]})*1e6/$(getconf CLK_TCK)/$n,1))")
    RES[$side]="${RES[$side]:-} ${US[$side]}"
    line="$line $side ${US[$side]} us/read ($rps req/s)"
  done
  DIFFS="$DIFFS $(python3 -c "print(round(${US[B]}-${US[A]},1))")"
  echo "$line load $(cut -d' ' -f1 /proc/loadavg)"
done
for side in A B; do echo "$side ($CASE): ${RES[$side]} median $(python3 -c "import statistics; print(statistics.median(map(float,'${RES[$side]}'.split())))")"; done
echo "B-A per round: $DIFFS median $(python3 -c "import statistics; print(statistics.median(map(float,'$DIFFS'.split())))")"
