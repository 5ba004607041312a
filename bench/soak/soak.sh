#!/usr/bin/env bash
# Sustained mixed load against the real service (Release build, SQLite, full telemetry exporting
# to a closed port, i.e. the worst case for the exporters), sampling the process's resident
# memory: after warm-up and at the end. The mix deletes as often as it creates once each wrk
# thread holds 500 resources, so the store stays the same size (bench/soak/mixed.lua).
# Usage: bench/soak/soak.sh [minutes=10] [connections=16]
# Needs wrk (apt-get install -y wrk). The service log, wrk output and memory samples are kept in
# the directory printed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-10}
connections=${2:-16}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }

work=$(mktemp -d /tmp/crudcqrs-soak.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet build -c Release src/Api -v q -nologo >/dev/null
# One wrk client calls far above the per-client rate limit, and this is no Development run:
# the limiter is off and the service is open (Auth__Mode=None), both said explicitly.
echo "service: RateLimit__Enabled=false (the limiter is off), Auth__Mode=None"
ConnectionStrings__Sqlite="Data Source=$work/soak.db" Observability__OtlpEndpoint=http://127.0.0.1:9 \
  Auth__Mode=None RateLimit__Enabled=false \
  Logging__LogLevel__Default=Warning Logging__LogLevel__CrudCqrs=Warning \
  dotnet src/Api/bin/Release/net10.0/CrudCqrs.Api.dll --urls "http://127.0.0.1:$port" > "$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$work"/soak.db*; echo "logs and samples: $work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "warm-up: 60 s"
wrk -t2 -c"$connections" -d60s -s bench/soak/mixed.lua "http://127.0.0.1:$port" | grep soak-result
total() { curl -s "http://127.0.0.1:$port/api/resources?limit=1" -D - -o /dev/null | awk -F': ' 'tolower($1)=="x-total-count" {print $2+0}'; }
echo "resources after warm-up: $(total)"
warm=$(rss)
echo "rss after warm-up: ${warm} kB"
samples="$work/rss.txt"
( while kill -0 $pid 2>/dev/null; do echo "$(date +%s) $(rss)" >> "$samples"; sleep 10; done ) &
sampler=$!
wrk -t2 -c"$connections" -d"${minutes}m" -s bench/soak/mixed.lua "http://127.0.0.1:$port" | tee "$work/wrk.txt" | grep -E "soak-result|Requests/sec"
kill $sampler 2>/dev/null || true
end=$(rss)
peak=$(awk '{ if ($2 > m) m = $2 } END { print m }' "$samples")
growth=$(awk -v a="$warm" -v b="$end" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
echo "rss: after warm-up ${warm} kB, at end ${end} kB, peak ${peak} kB, growth ${growth}%"
echo "resources at end: $(total)"
grep -q "unexpected=0 socket_errors=0" "$work/wrk.txt" || { echo "unexpected answers: see $work/service.log" >&2; exit 1; }
