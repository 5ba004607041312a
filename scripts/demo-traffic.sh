#!/usr/bin/env bash
# Demo traffic for a running CrudCqrs service, so that dashboards, traces and logs have something
# to show: builds a small dependency graph (database, cache, queue, auth service, APIs, worker,
# gateway, frontend), then drives a mix of reads, lists and searches (some paged by cursor),
# conditional reads, updates, creates and (cascade) deletes, together with requests the service
# refuses on purpose: cycles (422 CircularDependencyError), validation errors (422), unknown ids
# (404) and stale If-Match tags (412). About a fifth of the requests are refused: outcomes, not
# failures, so neither the availability objective nor HighCRUDErrorRate (server-side failures
# only) notices them, and nobody is paged; every round rejects cycles, so the
# CircularDependencyDetected alert fires (a ticket).
#
#   scripts/demo-traffic.sh                                   # http://localhost:5000, 120 s
#   scripts/demo-traffic.sh http://localhost:8080 --duration 300 --rate 40
#   scripts/demo-traffic.sh --duration 0                      # until Ctrl+C
#
# Environment: DEMO_URL, DEMO_DURATION, DEMO_RATE (same as the arguments); DEMO_TOKEN, a bearer
# token with the scopes resources:read and resources:write when the service runs with
# Auth__Mode=Jwt (see docs/security.md).
#
# The default rate, 25 requests per second from one client, stays well under the service's default
# per-client rate limits (200 reads/s, 50 writes/s); writes are about a third of the requests.
# Needs bash, curl, and jq or python3. Prints the answers by status and by request kind at the end;
# exits 2 when the service cannot be reached at start, 1 when requests failed to connect or got a
# 5xx during the run, 0 otherwise.
set -euo pipefail

url="${DEMO_URL:-http://localhost:5000}"
duration="${DEMO_DURATION:-120}"
rate="${DEMO_RATE:-25}"

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --duration) duration="${2:?--duration needs seconds}"; shift 2 ;;
    --rate) rate="${2:?--rate needs requests per second}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 64 ;;
    *) url="$1"; shift ;;
  esac
done
url="${url%/}"
if ! [[ "$duration" =~ ^[0-9]+$ ]]; then echo "--duration must be whole seconds (0 = until stopped)" >&2; exit 64; fi
if ! [[ "$rate" =~ ^[0-9]+$ ]] || ((rate < 1 || rate > 150)); then echo "--rate must be 1-150 requests per second" >&2; exit 64; fi

if command -v jq >/dev/null; then
  json_field() { jq -r --arg f "$1" '.[$f] // empty' "$2"; }
elif command -v python3 >/dev/null; then
  json_field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[2])).get(sys.argv[1]); print("" if v is None else v)' "$1" "$2"; }
else
  echo "demo-traffic.sh needs jq or python3 to read the service's JSON answers" >&2
  exit 64
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
auth=()
[[ -n "${DEMO_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $DEMO_TOKEN")

declare -A by_status=() by_kind=()
total=0
status=000

# request KIND METHOD PATH [BODY [CURL ARGS...]]: the answer's status in $status, its body in
# $work/body, its headers in $work/headers.
request() {
  local kind="$1" method="$2" path="$3" body="${4:-}"
  shift $(($# < 4 ? $# : 4))
  local args=(-sS --max-time 10 -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" "${auth[@]}")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  status="$(curl "${args[@]}" "$@" "$url$path" 2>"$work/curl-error" || true)"
  [[ "$status" =~ ^[0-9]{3}$ ]] || status=000
  if [[ "$status" == 000 ]]; then : >"$work/body"; : >"$work/headers"; fi
  by_status[$status]=$((${by_status[$status]:-0} + 1))
  by_kind["$kind $status"]=$((${by_kind["$kind $status"]:-0} + 1))
  total=$((total + 1))
}

header() { grep -i "^$1:" "$work/headers" | tail -n 1 | cut -d' ' -f2- | tr -d '\r' || true; }

# create KEY NAME DESCRIPTION [DEPENDENCY KEYS...]: remembers the new id under KEY in ids[].
declare -A ids=()
create() {
  local key="$1" name="$2" description="$3" deps="" dep
  shift 3
  for dep in "$@"; do deps+="${deps:+,}\"${ids[$dep]}\""; done
  request create POST /api/resources "{\"name\":\"$name\",\"description\":\"$description\",\"dependencies\":[$deps]}"
  if [[ "$status" != 201 ]]; then
    echo "creating '$name' answered $status: $(head -c 300 "$work/body")" >&2
    exit 1
  fi
  ids[$key]="$(json_field id "$work/body")"
}

if ! curl -sS --max-time 5 -o /dev/null "${auth[@]}" "$url/health/live" 2>"$work/curl-error"; then
  echo "The service at $url is not reachable: $(cat "$work/curl-error")" >&2
  echo "Start it (dotnet run --project src/Api) or pass its URL: scripts/demo-traffic.sh http://host:port" >&2
  exit 2
fi

echo "Demo traffic against $url: $rate requests/s, $( ((duration)) && echo "for ${duration} s" || echo "until stopped")"
echo "Building the dependency graph..."
create db "Database" "PostgreSQL 16, primary store"
create cache "Cache" "Redis 7, session and catalog cache"
create queue "Queue" "RabbitMQ, order events"
create auth "Auth service" "OpenID Connect issuer" db cache
create catalog "Catalog API" "product catalog service" db cache auth
create orders "Orders API" "order service" db queue auth
create worker "Worker" "order fulfilment worker" queue db
create gateway "API gateway" "routes /catalog and /orders" catalog orders auth
create frontend "Frontend" "web shop single-page app" gateway
create monitor "Monitoring" "Prometheus and Grafana" gateway worker
echo "  10 resources: ${ids[frontend]} (Frontend) depends on the gateway, which depends on the APIs..."

missing_id="00000000-0000-0000-0000-000000000000"
readable=(db cache queue auth catalog orders worker gateway frontend monitor)
searches=(api service "order" cache "" gateway worker "pro")
interval_us=$((1000000 / rate))
started=${EPOCHREALTIME/./}
deadline=$((duration ? started + duration * 1000000 : 0))
next=$started
round=0
stop=0
trap 'stop=1' INT TERM

# pace: sleeps so that requests leave at $rate per second on average.
pace() {
  next=$((next + interval_us))
  local now=${EPOCHREALTIME/./}
  if ((next > now)); then sleep "$(printf '0.%06d' $((next - now)))"; fi
  if ((deadline && now >= deadline)); then stop=1; fi
}

# One round is about 36 requests; about 8 of them are refused on purpose.
while ((!stop)); do
  round=$((round + 1))
  for i in 1 2 3 4 5 6 7 8; do
    key=${readable[$(((round * 8 + i) % ${#readable[@]}))]}
    request read GET "/api/resources/${ids[$key]}"; pace
  done
  # Conditional read: 304 when nothing changed since the ETag was taken.
  request read GET "/api/resources/${ids[catalog]}"; pace
  etag="$(header ETag)"
  request read-if-none-match GET "/api/resources/${ids[catalog]}" "" -H "If-None-Match: $etag"; pace

  request list GET "/api/resources?offset=0&limit=5"; pace
  cursor="$(header X-Next-Cursor)"
  if [[ -n "$cursor" ]]; then request list-cursor GET "/api/resources?limit=5&cursor=$cursor"; pace; fi
  for i in 1 2 3 4; do
    q=${searches[$(((round * 4 + i) % ${#searches[@]}))]}
    request search GET "/api/search?q=$q&limit=3"; pace
    cursor="$(header X-Next-Cursor)"
    if [[ -n "$cursor" ]]; then request search-cursor GET "/api/search?q=$q&limit=3&cursor=$cursor"; pace; fi
  done
  request list GET "/api/resources?limit=100"; pace

  # Updates with the current ETag, then one with a stale tag (412).
  request read GET "/api/resources/${ids[worker]}"; pace
  etag="$(header ETag)"
  request update PUT "/api/resources/${ids[worker]}" "{\"description\":\"order fulfilment worker, round $round\"}" -H "If-Match: $etag"; pace
  request update-stale-if-match PUT "/api/resources/${ids[worker]}" "{\"description\":\"lost update\"}" -H "If-Match: $etag"; pace
  request update PUT "/api/resources/${ids[monitor]}" "{\"description\":\"Prometheus and Grafana, round $round\"}"; pace

  # A short-lived batch job and its report, deleted one by one or by cascade.
  request create POST /api/resources "{\"name\":\"Batch job $round\",\"description\":\"nightly export\",\"dependencies\":[\"${ids[queue]}\",\"${ids[db]}\"]}"; pace
  job="$(json_field id "$work/body" 2>/dev/null || true)"
  if [[ "$status" == 201 && -n "$job" ]]; then
    request create POST /api/resources "{\"name\":\"Report $round\",\"dependencies\":[\"$job\"]}"; pace
    report="$(json_field id "$work/body" 2>/dev/null || true)"
    request read GET "/api/resources/$job"; pace
    if ((round % 2)); then
      request delete-cascade DELETE "/api/resources/$job?cascade=true"; pace
    else
      [[ -n "$report" ]] && { request delete DELETE "/api/resources/$report"; pace; }
      request delete DELETE "/api/resources/$job"; pace
    fi
    request read-deleted GET "/api/resources/$job"; pace                        # 404
  fi

  # Refused on purpose.
  request update-cycle PUT "/api/resources/${ids[db]}" "{\"dependencies\":[\"${ids[frontend]}\"]}"; pace
  if ((round % 2)); then
    request update-cycle PUT "/api/resources/${ids[cache]}" "{\"dependencies\":[\"${ids[catalog]}\"]}"; pace
  else
    request update-self-dependency PUT "/api/resources/${ids[queue]}" "{\"dependencies\":[\"${ids[queue]}\"]}"; pace
  fi
  request create-invalid POST /api/resources '{"name":"   ","description":"blank name"}'; pace
  request create-unknown-dependency POST /api/resources "{\"name\":\"Orphan\",\"dependencies\":[\"$missing_id\"]}"; pace
  request read-missing GET "/api/resources/$missing_id"; pace
  if ((round % 3 == 0)); then request list-invalid GET "/api/resources?limit=0"; pace; fi
  request delete-missing DELETE "/api/resources/$missing_id"; pace

  if ((round % 10 == 0)); then
    elapsed=$(((${EPOCHREALTIME/./} - started) / 1000000))
    echo "  ${elapsed} s: $total requests"
  fi
done

elapsed_us=$((${EPOCHREALTIME/./} - started))
echo
echo "$total requests in $((elapsed_us / 1000000)) s ($((total * 1000000 / (elapsed_us > 0 ? elapsed_us : 1))) per second) against $url"
echo "By status:"
for s in $(printf '%s\n' "${!by_status[@]}" | sort); do printf '  %s  %6d\n' "$s" "${by_status[$s]}"; done
echo "By request kind:"
for k in $(printf '%s\n' "${!by_kind[@]}" | tr ' ' '|' | sort); do
  printf '  %-28s %s  %6d\n' "${k%|*}" "${k##*|}" "${by_kind["${k/|/ }"]}"
done
# The graph stays, so that the dashboards' "active resources" shows it; the batch jobs are gone.

failed=0
for s in "${!by_status[@]}"; do [[ "$s" == 000 || "$s" == 5* ]] && failed=$((failed + ${by_status[$s]})); done
if ((failed)); then
  echo "$failed requests could not connect or got a 5xx answer" >&2
  exit 1
fi
