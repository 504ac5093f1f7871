#!/usr/bin/env bash
# One node against three behind HAProxy (BENCHMARKS.md), on the cluster that
# server-config/cluster/run-cluster.sh starts on this machine (PostgreSQL, three Payara Micro
# nodes, HAProxy). Each run measures, in turn:
#   one-node    the standard keystroke load on node1 alone (the others idle);
#   three-nodes the same through HAProxy: its documents spread over the three nodes;
#   follower    the same on node1 with the listeners on node2, which follows node1's documents
#               (listenerDelivery: the delivery latency to a follower node);
#   failover    kill -9 of the node serving a document while 4 writers type through HAProxy,
#               to their next acknowledged edits; the node is started again afterwards.
#   ./mvnw -q package -DskipTests && ./mvnw -q -Pload test-compile
#   src/load/compare-cluster.sh 3 > runs.jsonl       # CONCORD_LOAD_PORT=18280: HAProxy's port, nodes above it
# Prints one JSON line per run: {"run","setup","load","result":<the load tool's JSON line>}.
set -u
RUNS=${1:-3}
PORT=${CONCORD_LOAD_PORT:-18280}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STANDARD="--docs 5 --writers 10 --rate 20 --listeners 1"

work=$(mktemp -d /tmp/compare-cluster-XXXX)
mkfifo "$work/commands"
"$ROOT/server-config/cluster/run-cluster.sh" -Dconcord.port="$PORT" -Dconcord.opsPerSecond=100000 \
  -Dconcord.opsBurst=100000 -Dconcord.maxConnectionsPerDocument=100000 <"$work/commands" >"$work/cluster.log" 2>&1 &
cluster=$!
exec 3>"$work/commands" # the cluster's commands; it runs until told to quit
trap 'kill -0 $cluster 2>/dev/null && echo quit >&3; wait $cluster; rm -rf "$work"' EXIT
until grep -q '^Commands:' "$work/cluster.log"; do
  kill -0 $cluster 2>/dev/null || { cat "$work/cluster.log" >&2; exit 1; }
  sleep 2
done

pid() { ss -ltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
node_pids() { echo "$(pid $((PORT + 1))),$(pid $((PORT + 2))),$(pid $((PORT + 3)))"; }
load() { (cd "$ROOT" && ./mvnw -q -o -Pload exec:exec -Dload.args="$*") | grep '^{'; }
line() { # run setup result
  echo "{\"run\":$1,\"setup\":\"$2\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"result\":$3}"
}

# Warm-up: every node compiles the hot paths before anything is measured.
load keystrokes --url "ws://127.0.0.1:$PORT" $STANDARD --warmup 60 --seconds 10 >/dev/null
load keystrokes --url "ws://127.0.0.1:$((PORT + 1))" $STANDARD --warmup 30 --seconds 10 >/dev/null
for run in $(seq 1 "$RUNS"); do
  line "$run" one-node "$(load keystrokes --url "ws://127.0.0.1:$((PORT + 1))" --pid "$(pid $((PORT + 1)))" \
    $STANDARD --warmup 10 --seconds 20)"
  line "$run" three-nodes "$(load keystrokes --url "ws://127.0.0.1:$PORT" --pid "$(node_pids)" \
    $STANDARD --warmup 10 --seconds 20)"
  line "$run" follower "$(load keystrokes --url "ws://127.0.0.1:$((PORT + 1))" \
    --listener-url "ws://127.0.0.1:$((PORT + 2))" --pid "$(node_pids)" $STANDARD --warmup 10 --seconds 20)"
  result=$(load failover --url "ws://127.0.0.1:$PORT" \
    --nodes "node1=$(pid $((PORT + 1))),node2=$(pid $((PORT + 2))),node3=$(pid $((PORT + 3)))" \
    --writers 4 --rate 20 --warmup 5 --after 5)
  line "$run" failover "${result:-null}"
  killed=$(sed -n 's/.*"killed":"node\([0-9]\)".*/\1/p' <<<"$result")
  if [[ -n $killed ]]; then
    started=$(grep -c "^node$killed ready" "$work/cluster.log")
    echo "start $killed" >&3
    until (($(grep -c "^node$killed ready" "$work/cluster.log") > started)); do
      kill -0 $cluster 2>/dev/null || { cat "$work/cluster.log" >&2; exit 1; }
      sleep 2
    done
    sleep 3 # HAProxy counts it up after two checks a second apart
  fi
done
