#!/usr/bin/env bash
# What the container costs per edit with nothing of Concord around it (BENCHMARKS.md, "Per-edit
# cost"): a WAR of one endpoint (src/load/floor: every frame written back to each connection of its
# room, handed to the container as Concord hands its frames) on Payara Micro or WildFly, with the JVM options of the run profiles, driven by the load
# tool's frames mode with the frames of the standard load (5 rooms × 10 writers × 20 frames/s,
# 1 listener: one frame in, 11 out per edit).
#
#   src/load/container-floor.sh payara|wildfly [RUNS]
#
# Prints the table of medians and ranges and leaves the runs in target/compare-node/.
set -euo pipefail
KIND=${1:?payara or wildfly}; RUNS=${2:-5}
case $KIND in payara|wildfly) ;; *) echo "payara or wildfly, not $KIND" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=${FLOOR_PORT:-18781}; WARMUP_SECONDS=${WARMUP_SECONDS:-120}
OUT=$ROOT/target/compare-node; mkdir -p "$OUT"
RUNS_FILE=$OUT/floor-$KIND-$(date -u +%Y%m%dT%H%M%SZ).jsonl; WORK=$(mktemp -d /tmp/container-floor-XXXX)
# shellcheck source=src/load/common.sh
. "$ROOT/src/load/common.sh"

log "building the servers and the floor WAR"
(cd "$ROOT" && ./mvnw -q -B package -DskipTests)
[ "$KIND" = wildfly ] && (cd "$ROOT" && ./mvnw -q -B dependency:unpack@unpack-wildfly -Dwildfly.skip=false)
build_load_tool
CP=$WORK/load-classes:$WORK/main-classes:$(cat "$WORK/classpath.txt")
mkdir -p "$WORK/war/WEB-INF/classes"
javac -d "$WORK/war/WEB-INF/classes" -cp "$CP" "$ROOT/src/load/floor/app/concord/floor/FloorEndpoint.java" \
  "$ROOT/src/main/java/app/concord/documents/control/ContextProviderLookupCache.java"
(cd "$WORK/war" && jar cf "$WORK/floor.war" .)

SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT
start_server "$KIND" "$WORK/floor.war" "$PORT" "$WORK/server"
for _ in $(seq 1 300); do SERVER=$(pid_on "$PORT"); [ -n "$SERVER" ] && break; sleep 1; done
[ -n "$SERVER" ] || { echo "the floor server did not start; see $WORK/server/server.log" >&2; exit 1; }
until curl -s -o /dev/null "localhost:$PORT/"; do sleep 1; done; sleep 5   # the WAR deployed

FRAMES=(--url "ws://127.0.0.1:$PORT" --pid "$SERVER" --docs 5 --writers 10 --rate 20 --listeners 1)
echo "# $(date -u) $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), floor endpoint on $KIND" > "$RUNS_FILE"
log "warming up for $WARMUP_SECONDS s"
load frames "${FRAMES[@]}" --warmup "$WARMUP_SECONDS" --seconds 10 > /dev/null 2>> "$WORK/load.log"
for RUN in $(seq 1 "$RUNS"); do
  log "run $RUN of $RUNS"
  loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
  result=$(load frames "${FRAMES[@]}" --warmup 10 --seconds 20 2>> "$WORK/load.log" | grep '^{' | tail -1 || true)
  echo "{\"run\":$RUN,\"server\":\"floor-$KIND\",\"mode\":\"frames\",\"load\":\"$loadavg\",\"result\":${result:-null}}" \
    | tee -a "$RUNS_FILE" >&2
done
echo
echo "The container alone ($KIND, the run profile's JVM options): the frames of the standard load, $(date -u +%Y-%m-%d)"
echo
load summary --file "$RUNS_FILE" --baseline none | tee "${RUNS_FILE%.jsonl}.md"
