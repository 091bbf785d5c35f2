#!/usr/bin/env bash
# Brings docker-compose.yml's stack up, sends usage through the gateway, waits until the
# aggregate, the dashboard and Prometheus show it, and tears the stack down. Exit 0 = it works.
#
#   ops/compose/check.sh            # on a machine with Docker (started here when it is not)
#
# No image registry needs to be reachable: the images are built here from Debian packages (a
# debootstrap'd base, then openjdk-17-jre-headless and prometheus) and the project's jars, and
# ops/compose/localize.py runs the compose file's services on them, on the host network. Ports
# used on 127.0.0.1: 9092-9093 (Kafka), 8080 (gateway), 8083 and 8093 (Connect), 8089, 8091,
# 8092 (query APIs), 8090 (dashboard), 9090 (Prometheus).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/ops/compose"
WORK="$ROOT/.tokenledger/compose-check"
PROJECT=tokenledger-check
EVENTS=5
mkdir -p "$WORK"

say() { printf '[compose-check] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

need_packages=()
command -v dockerd > /dev/null || need_packages+=(docker.io)
command -v debootstrap > /dev/null || need_packages+=(debootstrap)
command -v docker-compose > /dev/null || docker compose version > /dev/null 2>&1 || need_packages+=(docker-compose)
if [ ${#need_packages[@]} -gt 0 ]; then
  say "installing ${need_packages[*]} (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" > /dev/null
fi
if ! docker info > /dev/null 2>&1; then
  say "starting dockerd"
  (dockerd > "$WORK/dockerd.log" 2>&1 &)
  for _ in $(seq 60); do docker info > /dev/null 2>&1 && break; sleep 1; done
  docker info > /dev/null 2>&1 || fail "dockerd did not start; see $WORK/dockerd.log"
fi
if docker compose version > /dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi

if ! docker image inspect tokenledger-local/debian:bookworm > /dev/null 2>&1; then
  # The Debian mirror apt already uses (the first .../debian URI, not -security).
  mirror="$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    || true) | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)"
  say "building the base image with debootstrap from ${mirror:-the default mirror}"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "${mirror:-http://deb.debian.org/debian}" > "$WORK/debootstrap.log"
  tar -C "$WORK/rootfs" -c . | docker import - tokenledger-local/debian:bookworm > /dev/null
  rm -rf "$WORK/rootfs"
fi
say "building tokenledger-local/jre:17 and tokenledger-local/prometheus"
docker build -q --network host -t tokenledger-local/jre:17 -f "$HERE/jre.Dockerfile" "$HERE" > /dev/null
docker build -q --network host -t tokenledger-local/prometheus -f "$HERE/prometheus.Dockerfile" "$HERE" > /dev/null

say "building the project's jars"
(cd "$ROOT" && mvn -B -q -DskipTests package)

python3 "$HERE/localize.py" "$ROOT" "$WORK/docker-compose.local.yml"
compose() { SLACK_WEBHOOKS='*=http://127.0.0.1:9/stand-in' "${COMPOSE[@]}" -p "$PROJECT" -f "$WORK/docker-compose.local.yml" "$@"; }
teardown() {
  compose logs --no-color > "$WORK/compose.log" 2>&1 || true
  compose down -v > /dev/null 2>&1 || true
}
trap teardown EXIT
compose down -v > /dev/null 2>&1 || true
say "starting the stack"
compose up -d

cli() { "$ROOT/tokenledger" "$@" --bootstrap-servers 127.0.0.1:9092; }
wait_for() { # wait_for DESCRIPTION SECONDS COMMAND...
  local what="$1" bound="$2"; shift 2
  for _ in $(seq "$bound"); do "$@" > /dev/null 2>&1 && return 0; sleep 1; done
  fail "$what within ${bound}s (logs: $WORK/compose.log)"
}
wait_for "the gateway to answer" 180 curl -fs http://127.0.0.1:8080/healthz
for port in 8089 8091 8092; do
  wait_for "the query API on :$port to be healthy" 180 curl -fs "http://127.0.0.1:$port/healthz"
done
INGEST="$(cli keys create --team compose-check --scope ingest | tail -1)"
READ="$(cli keys create --team compose-check --scope read | tail -1)"

say "sending $EVENTS usage events through the gateway"
now_ms=$(( $(date +%s) * 1000 ))
for i in $(seq "$EVENTS"); do
  body="{\"event_id\": \"compose-check-$now_ms-$i\", \"event_time\": $((now_ms + i)), \"workflow\": \"check\",
         \"service\": \"compose-check\", \"provider\": \"openai\", \"model\": \"gpt-4o\", \"uncached_input_tokens\": 1000}"
  for _ in $(seq 30); do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $INGEST" \
      -H 'Content-Type: application/json' -d "$body" http://127.0.0.1:8080/v1/usage)"
    [ "$code" = 202 ] && break
    sleep 1   # 401 until the gateway has read the new key
  done
  [ "$code" = 202 ] || fail "the gateway answered $code to event $i"
done

count() { curl -fs -H "Authorization: Bearer $READ" "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["event_count"])'; }
shows_all() { [ "$(count "$1")" = "$EVENTS" ]; }
wait_for "the aggregate to count $EVENTS events" 120 shows_all \
  "http://127.0.0.1:8089/v1/period-to-date?team=compose-check&period=month"
say "aggregation: $EVENTS events counted"
wait_for "the dashboard to show $EVENTS events" 60 shows_all \
  "http://127.0.0.1:8090/api/aggregation/v1/period-to-date?team=compose-check&period=month"
curl -fs http://127.0.0.1:8090/index.html | grep -q 'chart.umd.min.js' || fail "the dashboard page"
curl -fs http://127.0.0.1:8090/webjars/chart.js/4.5.1/dist/chart.umd.min.js > /dev/null || fail "Chart.js from the jar"
say "dashboard: $EVENTS events shown"

all_up() {
  curl -fs 'http://127.0.0.1:9090/api/v1/query?query=up' | python3 -c '
import json, sys
up = {r["metric"]["job"]: r["value"][1] for r in json.load(sys.stdin)["data"]["result"]}
want = {"aggregation", "alerting", "economics", "ingest-gateway", "connect"}
sys.exit(0 if want <= {j for j, v in up.items() if v == "1"} else 1)'
}
wait_for "Prometheus to scrape every service" 120 all_up
counted() {
  curl -fs 'http://127.0.0.1:9090/api/v1/query?query=sum(tokenledger_usage_events_total%7Boutcome%3D%22counted%22%7D)' \
    | python3 -c "import json,sys; r=json.load(sys.stdin)['data']['result']; sys.exit(0 if r and int(float(r[0]['value'][1])) == $EVENTS else 1)"
}
wait_for "Prometheus to show $EVENTS counted events" 60 counted
say "prometheus: every service up, $EVENTS events counted"
say "OK: the stack starts, counts and shows what it was sent"
