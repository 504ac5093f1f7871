#!/usr/bin/env bash
# The durable store against the in-memory store (BENCHMARKS.md): two servers of one kind from
# the same WAR, both running, warmed up, then the standard keystroke load on each in turn.
#   ./mvnw -q package -DskipTests && ./mvnw -q -Pload test-compile
#   src/load/compare-stores.sh payara 3 > runs.jsonl      # or: wildfly (unpacked by -Pwildfly)
# Prints one JSON line per run: {"run","store","load","result":<the load tool's JSON line>}.
set -u
KIND=${1:?payara or wildfly}; RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WILDFLY=$ROOT/target/wildfly-39.0.1.Final
LIMITS=(CONCORD_CONNECTIONS_PER_MINUTE_PER_ADDRESS=1000000 CONCORD_MAX_CONNECTIONS_PER_DOCUMENT=100000
        CONCORD_OPS_PER_SECOND=100000 CONCORD_OPS_BURST=100000)

start() { # store port
  local dir; dir=$(mktemp -d /tmp/compare-stores-$KIND-XXXX)
  if [ "$KIND" = payara ]; then
    (cd "$dir" && env "${LIMITS[@]}" CONCORD_STORE="$1" java -Dconcord.data="$dir/data" -Dconcord.host=127.0.0.1 \
      -jar "$ROOT/target/payara-micro.jar" --nohazelcast --disablephonehome \
      --prebootcommandfile "$ROOT/server-config/pre-boot-commands.asadmin" \
      --deploy "$ROOT/target/concord.war" --contextroot / --port "$2" > "$dir/server.log" 2>&1 &)
  else
    cp -r "$WILDFLY/standalone" "$dir/standalone"; cp "$ROOT/target/concord.war" "$dir/standalone/deployments/ROOT.war"
    (cd "$dir" && env "${LIMITS[@]}" CONCORD_STORE="$1" JBOSS_HOME="$WILDFLY" LAUNCH_JBOSS_IN_BACKGROUND=true \
      "$WILDFLY/bin/standalone.sh" -Djboss.server.base.dir="$dir/standalone" \
      -Djboss.socket.binding.port-offset=$(($2 - 8080)) -Dconcord.data="$dir/data" > "$dir/server.log" 2>&1 &)
  fi
  for _ in $(seq 1 150); do curl -s "localhost:$2/health/ready" | grep -q '"database"' && return; sleep 2; done
  echo "the $1 server on port $2 did not start; see $dir/server.log" >&2; exit 1
}
pid() { ss -ltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
keystrokes() { # port options...
  local port=$1; shift
  (cd "$ROOT" && ./mvnw -q -o -Pload exec:exec -Dload.args="keystrokes --url ws://127.0.0.1:$port --pid $(pid "$port") $*")
}

start database 18731
start memory 18732
trap 'kill $(pid 18731) $(pid 18732) 2>/dev/null' EXIT
for port in 18731 18732; do keystrokes $port --docs 5 --writers 10 --rate 20 --listeners 1 --warmup 150 --seconds 10 > /dev/null; done
for run in $(seq 1 "$RUNS"); do
  for port in 18731 18732; do
    store=$([ $port = 18731 ] && echo durable || echo memory)
    line=$(keystrokes $port --docs 5 --writers 10 --rate 20 --listeners 1 --warmup 10 --seconds 20 | grep '^{')
    echo "{\"run\":$run,\"store\":\"$store\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"result\":$line}"
  done
done
