#!/usr/bin/env bash
# The durable store against the in-memory store (BENCHMARKS.md, store issue): two servers of one
# kind from the same WAR, started as the run profiles start them (their JVM options; Payara with
# the README's pre-boot file), one on Concord's own H2 file and one with CONCORD_STORE=memory,
# both running throughout; after a warm-up of each, the standard load (5 documents × 10 writers
# × 20 keys/s, 1 listener) on each in turn, the order swapped every round.
#
#   src/load/compare-stores.sh payara|wildfly [RUNS]
#
# Prints the table of medians and ranges, the size of the H2 file after each durable run, and
# leaves the runs in target/compare-stores/.
set -euo pipefail
KIND=${1:?payara or wildfly}; RUNS=${2:-5}
case $KIND in payara|wildfly) ;; *) echo "payara or wildfly, not $KIND" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURABLE_PORT=18731; MEMORY_PORT=18732; WARMUP_SECONDS=${WARMUP_SECONDS:-150}
OUT=$ROOT/target/compare-stores; mkdir -p "$OUT"
RUNS_FILE=$OUT/$KIND-$(date -u +%Y%m%dT%H%M%SZ).jsonl; WORK=$(mktemp -d /tmp/compare-stores-XXXX)
# shellcheck source=src/load/common.sh
. "$ROOT/src/load/common.sh"
export CONCORD_CONNECTIONS_PER_MINUTE_PER_ADDRESS=1000000 CONCORD_MAX_CONNECTIONS_PER_DOCUMENT=100000 \
       CONCORD_OPS_PER_SECOND=100000 CONCORD_OPS_BURST=100000

log "building the WAR and the servers"
(cd "$ROOT" && ./mvnw -q -B package -DskipTests)
[ "$KIND" = wildfly ] && (cd "$ROOT" && ./mvnw -q -B dependency:unpack@unpack-wildfly -Dwildfly.skip=false)
cp "$ROOT/target/concord.war" "$WORK/concord.war"
build_load_tool

start() { # store port
  local dir=$WORK/$1
  CONCORD_STORE="$1" PREBOOT="$ROOT/server-config/pre-boot-commands.asadmin" \
    start_server "$KIND" "$WORK/concord.war" "$2" "$dir" -Dconcord.data="$dir/data" -Dconcord.host=127.0.0.1
  for _ in $(seq 1 150); do curl -s "localhost:$2/health/ready" | grep -q '"database"' && return; sleep 2; done
  echo "the $1 server on port $2 did not start; see $dir/server.log" >&2; exit 1
}
log "starting Concord on $KIND twice: durable on port $DURABLE_PORT, in memory on port $MEMORY_PORT"
start database "$DURABLE_PORT"
start memory "$MEMORY_PORT"
DURABLE_PID=$(pid_on "$DURABLE_PORT"); MEMORY_PID=$(pid_on "$MEMORY_PORT")
trap 'kill "$DURABLE_PID" "$MEMORY_PID" 2>/dev/null || true' EXIT
H2_FILE=$WORK/database/data/concord.mv.db

STANDARD=(--docs 5 --writers 10 --rate 20 --listeners 1)
run() { # server pid port
  local loadavg result
  loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
  result=$(load keystrokes --url "ws://127.0.0.1:$3" --pid "$2" "${STANDARD[@]}" --warmup 10 --seconds 20 \
    2>> "$WORK/load.log" | grep '^{' | tail -1 || true)
  echo "{\"run\":$RUN,\"server\":\"$1\",\"mode\":\"keystrokes\",\"load\":\"$loadavg\",\"result\":${result:-null}}" \
    | tee -a "$RUNS_FILE" >&2
  if [ "$1" = durable ]; then
    echo "after run $RUN: $(du -m "$H2_FILE" | cut -f1) MB" >> "$WORK/h2-file.txt"; log "H2 file $(tail -1 "$WORK/h2-file.txt")"
  fi
}
echo "# $(date -u) $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), Concord on $KIND, durable vs memory" \
  > "$RUNS_FILE"
log "warming up each for $WARMUP_SECONDS s"
for port in "$DURABLE_PORT" "$MEMORY_PORT"; do
  load keystrokes --url "ws://127.0.0.1:$port" --pid "$(pid_on "$port")" "${STANDARD[@]}" --warmup "$WARMUP_SECONDS" \
    --seconds 10 > /dev/null 2>> "$WORK/load.log"
done
for RUN in $(seq 1 "$RUNS"); do
  log "round $RUN of $RUNS"
  if [ $((RUN % 2)) -eq 1 ]; then
    run durable "$DURABLE_PID" "$DURABLE_PORT"; run memory "$MEMORY_PID" "$MEMORY_PORT"
  else
    run memory "$MEMORY_PID" "$MEMORY_PORT"; run durable "$DURABLE_PID" "$DURABLE_PORT"
  fi
done

echo
echo "Concord on $KIND, durable (Concord's own H2 file) and in memory, $(date -u +%Y-%m-%d)"
echo
load summary --file "$RUNS_FILE" --baseline memory | tee "${RUNS_FILE%.jsonl}.md"
echo
echo "H2 file ($H2_FILE), after each durable run:"
sed 's/^/  /' "$WORK/h2-file.txt"
echo "Runs: $RUNS_FILE; server and load tool logs: $WORK"
