#!/usr/bin/env bash
# Concord on the README's run command (durable store) side by side with the bare Node OT server
# of ../shared/bench (its README), on this machine, in one go (BENCHMARKS.md, "Per-edit cost").
#
#   src/load/compare-node.sh payara|wildfly [RUNS] [standard|saturation|both]
#
# Builds what it needs (the WAR through the run command itself, the load tool), starts both
# servers, warms Concord up (170 s of the standard load) and the Node server (20 s), then
# alternates: RUNS keystroke runs of each at the standard load (5 documents × 10 writers ×
# 20 keys/s, 1 listener: fan-out 10; 10 s warm-up + 20 s measured), and SAT_RUNS (default 3)
# saturation runs of each. Prints the table of medians and ranges (the load tool's `summary`)
# and leaves every run's JSON line in target/compare-node/. Both servers stay up throughout;
# only one is under load at a time. Environment: CONCORD_PORT (18731), NODE_PORT (19300),
# SAT_RUNS (3), WARMUP_SECONDS (170), NODE_BENCH (../shared/bench); PROFILE=1 adds one more
# standard run of Concord under async-profiler (tools.profiler:async-profiler from Maven
# Central), not counted in the table, and prints where its CPU went (the load tool's `profile`).
# CONCORD_CHECKOUT (default: this one) is the checkout whose run command starts Concord, for a
# before-and-after comparison with this checkout's load tool (another commit's worktree).
set -euo pipefail
KIND=${1:?payara or wildfly}; RUNS=${2:-5}; WHAT=${3:-both}
case $KIND in payara) MVN_PROFILE=run ;; wildfly) MVN_PROFILE=wildfly-run ;; *) echo "payara or wildfly, not $KIND" >&2; exit 2 ;; esac
case $WHAT in standard|saturation|both) ;; *) echo "standard, saturation or both, not $WHAT" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONCORD_PORT=${CONCORD_PORT:-18731}; NODE_PORT=${NODE_PORT:-19300}; SAT_RUNS=${SAT_RUNS:-3}
WARMUP_SECONDS=${WARMUP_SECONDS:-170}; NODE_BENCH=${NODE_BENCH:-$ROOT/../shared/bench}
CHECKOUT=$(cd "${CONCORD_CHECKOUT:-$ROOT}" && pwd); COMMIT=$(git -C "$CHECKOUT" rev-parse --short HEAD)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/target/compare-node; mkdir -p "$OUT"
RUNS_FILE=$OUT/$KIND-$STAMP.jsonl; WORK=$(mktemp -d /tmp/compare-node-XXXX)
# The limits raised as in BENCHMARKS.md "Commands" (one address opens every connection).
export CONCORD_CONNECTIONS_PER_MINUTE_PER_ADDRESS=1000000 CONCORD_MAX_CONNECTIONS_PER_DOCUMENT=100000 \
       CONCORD_OPS_PER_SECOND=100000 CONCORD_OPS_BURST=100000

# shellcheck source=src/load/common.sh
. "$ROOT/src/load/common.sh"
await_port() { # port seconds what
  for _ in $(seq 1 "$2"); do [ -n "$(pid_on "$1")" ] && return; sleep 1; done
  echo "$3 did not start on port $1; see $WORK" >&2; exit 1
}

build_load_tool

MAVEN=; NODE=
stop() {
  [ -n "$NODE" ] && kill "$NODE" 2>/dev/null || true
  if [ -n "$MAVEN" ]; then
    local server; server=$(pid_on "$CONCORD_PORT" || true)
    kill "$MAVEN" 2>/dev/null || true   # Ant's shutdown hook stops the server it forked
    sleep 5; [ -n "$server" ] && kill "$server" 2>/dev/null || true
  fi
}
trap stop EXIT

log "starting the Node OT server (a copy of $NODE_BENCH)"
cp -r "$NODE_BENCH" "$WORK/node"
(cd "$WORK/node" && npm install --silent > /dev/null)
(cd "$WORK/node" && PORT=$NODE_PORT exec node node-ot-server.mjs > "$WORK/node.log" 2>&1) & NODE=$!
await_port "$NODE_PORT" 30 "the Node server"

log "starting Concord at $COMMIT: ./mvnw -P$MVN_PROFILE package (the README's run command), durable store in $WORK/data"
(cd "$CHECKOUT" && exec ./mvnw -q -B -P"$MVN_PROFILE" package -Dconcord.port="$CONCORD_PORT" -Dconcord.data="$WORK/data" \
  > "$WORK/concord.log" 2>&1) & MAVEN=$!
await_port "$CONCORD_PORT" 600 "Concord"
until curl -sf "localhost:$CONCORD_PORT/health/ready" > /dev/null; do sleep 2; done
SERVER_PID=$(pid_on "$CONCORD_PORT"); NODE_PID=$(pid_on "$NODE_PORT")

STANDARD=(--docs 5 --writers 10 --rate 20 --listeners 1)
run() { # server pid port mode options...
  local server=$1 pid=$2 port=$3 mode=$4; shift 4
  local loadavg result
  loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
  result=$(load "$mode" --url "ws://127.0.0.1:$port" --pid "$pid" "$@" 2>> "$WORK/load.log" | grep '^{' | tail -1 || true)
  echo "{\"run\":$RUN,\"server\":\"$server\",\"mode\":\"$mode\",\"load\":\"$loadavg\",\"result\":${result:-null}}" | tee -a "$RUNS_FILE" >&2
}

{
  echo "# $(date -u) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
  echo "# $(java -version 2>&1 | head -1), node $(node --version), Concord $COMMIT on $KIND (./mvnw -P$MVN_PROFILE package)"
} > "$RUNS_FILE"
log "warming up: Concord ${WARMUP_SECONDS} s, Node 20 s of the standard load"
RUN=0
load keystrokes --url "ws://127.0.0.1:$CONCORD_PORT" --pid "$SERVER_PID" "${STANDARD[@]}" --warmup "$WARMUP_SECONDS" --seconds 10 > /dev/null 2>> "$WORK/load.log"
load keystrokes --url "ws://127.0.0.1:$NODE_PORT" --pid "$NODE_PID" "${STANDARD[@]}" --warmup 20 --seconds 10 > /dev/null 2>> "$WORK/load.log"

# Alternated, the order swapped every round, so that a drift of the machine's load hits both alike.
pair() { # mode options...
  if [ $((RUN % 2)) -eq 1 ]; then
    run node "$NODE_PID" "$NODE_PORT" "$@"; run "concord-$KIND" "$SERVER_PID" "$CONCORD_PORT" "$@"
  else
    run "concord-$KIND" "$SERVER_PID" "$CONCORD_PORT" "$@"; run node "$NODE_PID" "$NODE_PORT" "$@"
  fi
}
if [ "$WHAT" != saturation ]; then
  for RUN in $(seq 1 "$RUNS"); do
    log "standard load, round $RUN of $RUNS"
    pair keystrokes "${STANDARD[@]}" --warmup 10 --seconds 20
  done
fi
if [ "$WHAT" != standard ]; then
  for RUN in $(seq 1 "$SAT_RUNS"); do
    log "saturation, round $RUN of $SAT_RUNS"
    pair saturation --docs 5 --writers 4 --rate 20 --listeners 1 --warmup 3 --step-seconds 10 --factor 1.5 --max-steps 10
  done
fi

if [ "${PROFILE:-}" = 1 ]; then
  log "one more standard run of Concord, under async-profiler"
  (cd "$ROOT" && ./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory="$WORK")
  (cd "$WORK" && unzip -q -o async-profiler-4.1.jar "linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')/*")
  AGENT=$(ls "$WORK"/linux-*/libasyncProfiler.so); COLLAPSED=$OUT/$KIND-$STAMP.cpu.collapsed
  jcmd "$SERVER_PID" JVMTI.agent_load "$AGENT" '"start,event=cpu,interval=1ms"' > /dev/null
  load keystrokes --url "ws://127.0.0.1:$CONCORD_PORT" --pid "$SERVER_PID" "${STANDARD[@]}" --warmup 10 --seconds 20 \
    > /dev/null 2>> "$WORK/load.log"
  jcmd "$SERVER_PID" JVMTI.agent_load "$AGENT" "\"stop,file=$COLLAPSED,collapsed\"" > /dev/null
fi

echo
echo "Concord $COMMIT on $KIND (./mvnw -P$MVN_PROFILE package, durable store) and the bare Node OT server, $(date -u +%Y-%m-%d)"
echo
load summary --file "$RUNS_FILE" --baseline node | tee "${RUNS_FILE%.jsonl}.md"
echo
if [ -n "${COLLAPSED:-}" ]; then
  echo
  echo "Where Concord's CPU went in one more standard run under async-profiler (jcmd JVMTI.agent_load):"
  echo
  load profile --file "$COLLAPSED" --top 25 | tee "${COLLAPSED%.collapsed}.md"
fi
echo "Runs: $RUNS_FILE; server and load tool logs: $WORK"
