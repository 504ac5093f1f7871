#!/usr/bin/env bash
# A Concord cluster on this machine, to try it: one PostgreSQL, three Payara Micro nodes and
# HAProxy in front of them (server-config/cluster/README.md). Ctrl-C stops everything.
#
#   server-config/cluster/run-cluster.sh [-Dconcord.port=8080] [-Dconcord.NAME=VALUE ...]
#
# Open http://127.0.0.1:P/ (P: -Dconcord.port, else the environment's CONCORD_PORT, else 8080).
# The nodes listen on P+1, P+2 and P+3, HAProxy's status page on P+4, PostgreSQL on P+5, all
# on 127.0.0.1. Every other -Dconcord.NAME=VALUE is given to each node (README
# "Configuration"). Needs JDK 17 and Debian's haproxy, postgresql and curl; builds
# target/concord.war (./mvnw package) when it is missing. Everything the cluster writes,
# documents included, is in a temporary folder deleted when it stops.
#
# While it runs, type (or pipe in): status | where DOC | kill N (SIGKILL) | stop N (SIGTERM,
# as a redeploy does) | start N | quit.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
war=$root/target/concord.war
micro=$root/target/payara-micro.jar
nodes=3

die() {
  echo "run-cluster: $*" >&2
  exit 1
}

port=${CONCORD_PORT:-8080}
node_options=()
for arg in "$@"; do
  case "$arg" in
    -Dconcord.port=*) port=${arg#-Dconcord.port=} ;;
    -Dconcord.*=*) node_options+=("$arg") ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (expected -Dconcord.port=N or -Dconcord.NAME=VALUE; --help)" ;;
  esac
done
[[ $port =~ ^[0-9]+$ ]] && ((port >= 1024 && port <= 65530)) || die "the port must be a number from 1024 to 65530, not '$port'"
status_port=$((port + 4))
pg_port=$((port + 5))

# ---------------------------------------------------------------- what is needed

if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; else java=$(command -v java || true); fi
[[ -x $java ]] || die "no java: install JDK 17 (apt-get install -y openjdk-17-jdk-headless) or set JAVA_HOME"
command -v haproxy >/dev/null || die "no haproxy: apt-get install -y haproxy"
command -v curl >/dev/null || die "no curl: apt-get install -y curl"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[[ -x $pg_bin/initdb ]] || die "no PostgreSQL server binaries in /usr/lib/postgresql: apt-get install -y postgresql"
as_postgres=()
if [[ $(id -u) == 0 ]]; then
  # PostgreSQL refuses to run as root.
  id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (Debian's postgresql package makes it)"
  as_postgres=(runuser -u postgres --)
fi

in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
for p in "$port" $((port + 1)) $((port + 2)) $((port + 3)) "$status_port" "$pg_port"; do
  ! in_use "$p" || die "port $p is in use; choose other ports with -Dconcord.port=N (uses N to N+5)"
done

if [[ ! -f $war || ! -f $micro ]]; then
  echo "Building target/concord.war (./mvnw package, without tests)..."
  (cd "$root" && ./mvnw -B -q package -DskipTests) || die "the build failed"
fi

# ---------------------------------------------------------------- starting and stopping

work=$(mktemp -d "${TMPDIR:-/tmp}/concord-cluster.XXXXXX")
chmod 755 "$work"
declare -a node_pid
haproxy_pid=
pg_started=

signal_node() { # $1: node number, $2: signal
  local pid=${node_pid[$1]:-}
  [[ -n $pid ]] && kill "-$2" "$pid" 2>/dev/null || true
}

await_stopped() { # $1: node number; a node still running after 30 s is killed
  local pid=${node_pid[$1]:-}
  [[ -n $pid ]] || return 0
  timeout 30 tail -s 0.2 --pid="$pid" -f /dev/null || { kill -KILL "$pid" 2>/dev/null; tail -s 0.2 --pid="$pid" -f /dev/null; }
}

cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the cluster..."
  for i in $(seq "$nodes"); do signal_node "$i" TERM; done
  for i in $(seq "$nodes"); do await_stopped "$i"; done
  if [[ -n $haproxy_pid ]]; then
    kill "$haproxy_pid" 2>/dev/null || true
    wait "$haproxy_pid" 2>/dev/null || true
  fi
  if [[ -n $pg_started ]]; then
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/postgres" -w -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  echo "Stopped; nothing is left running."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A process of its own session, so that Ctrl-C reaches the script alone and it stops the
# nodes in order.
start_node() { # $1: node number
  local i=$1 dir=$work/node$1
  mkdir -p "$dir/tmp"
  setsid "$java" -Xmx512m -Djava.io.tmpdir="$dir/tmp" -Dconcord.host=127.0.0.1 \
    -Dconcord.dbUrl="jdbc:postgresql://127.0.0.1:$pg_port/concord" -Dconcord.dbUser=postgres \
    -Dconcord.publicUrl="http://127.0.0.1:$port/" -Dconcord.connectionsPerMinutePerAddress=1000000 \
    "${node_options[@]}" \
    -jar "$micro" --nohazelcast --disablephonehome \
    --logproperties "$root/server-config/payara-logging.properties" \
    --prebootcommandfile "$root/server-config/pre-boot-commands.asadmin" \
    --deploy "$war" --contextroot / --port $((port + i)) >>"$dir/server.log" 2>&1 &
  node_pid[$i]=$!
  # Not a job of the script: a node killed on purpose is reported below, not as "Killed".
  disown "$!"
}

await_ready() { # $1: node number; fails when the node dies or takes more than 5 minutes
  local i=$1
  for _ in $(seq 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$((port + i))/health/ready" && return 0
    if ! kill -0 "${node_pid[$i]}" 2>/dev/null; then
      tail -n 40 "$work/node$i/server.log" >&2
      echo "run-cluster: node$i stopped while starting (its log is above)" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "run-cluster: node$i was not ready within 5 minutes" >&2
  return 1
}

echo "Starting PostgreSQL on 127.0.0.1:$pg_port..."
mkdir "$work/postgres"
[[ ${#as_postgres[@]} == 0 ]] || chown postgres: "$work/postgres"
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/postgres" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; die "initdb failed"; }
"${as_postgres[@]}" setsid "$pg_bin/pg_ctl" -D "$work/postgres" -w -t 60 -l "$work/postgres/server.log" \
  -o "-p $pg_port -k $work/postgres -c listen_addresses=127.0.0.1" start >/dev/null \
  || { cat "$work/postgres/server.log" >&2; die "PostgreSQL did not start"; }
pg_started=1
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres concord || die "cannot create the database concord"

echo "Starting $nodes Payara Micro nodes on ports $((port + 1))-$((port + nodes)) (a minute or two)..."
for i in $(seq "$nodes"); do start_node "$i"; done

CONCORD_LB_ADDRESS="127.0.0.1:$port" CONCORD_LB_STATUS="127.0.0.1:$status_port" \
  CONCORD_NODE1="127.0.0.1:$((port + 1))" CONCORD_NODE2="127.0.0.1:$((port + 2))" CONCORD_NODE3="127.0.0.1:$((port + 3))" \
  setsid haproxy -db -f "$root/server-config/cluster/haproxy.cfg" >>"$work/haproxy.log" 2>&1 &
haproxy_pid=$!

for i in $(seq "$nodes"); do await_ready "$i" || exit 1; done
kill -0 "$haproxy_pid" 2>/dev/null || { cat "$work/haproxy.log" >&2; die "HAProxy stopped"; }

# ---------------------------------------------------------------- running

node_state() { # $1: node number
  local pid=${node_pid[$1]:-}
  if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
    echo "stopped"
  elif curl -fs -o /dev/null "http://127.0.0.1:$((port + $1))/health/ready"; then
    echo "ready (pid $pid)"
  else
    echo "not ready (pid $pid)"
  fi
}

status() {
  echo "Concord cluster (logs and data in $work):"
  echo "  open           http://127.0.0.1:$port/   (HAProxy; X-Concord-Node in each answer names the node)"
  for i in $(seq "$nodes"); do
    echo "  node$i          http://127.0.0.1:$((port + i))/   $(node_state "$i")"
  done
  echo "  HAProxy        http://127.0.0.1:$status_port/   (its status page; pid $haproxy_pid)"
  echo "  PostgreSQL     jdbc:postgresql://127.0.0.1:$pg_port/concord (user postgres)"
}

where() { # $1: document id
  local node
  node=$(curl -fs -D - -o /dev/null "http://127.0.0.1:$port/api/docs/$1" | tr -d '\r' | sed -n 's/^[Xx]-[Cc]oncord-[Nn]ode: //p')
  echo "${node:-no node answered} serves document $1"
}

node_number() {
  [[ $1 =~ ^[1-9]$ ]] && (($1 <= nodes)) || { echo "nodes are 1 to $nodes"; return 1; }
}

status
echo
echo "Commands: status | where DOC | kill N | stop N | start N | quit (or Ctrl-C)"
# Commands come from the terminal, or from a pipe (scripts: src/load/compare-cluster.sh); once
# the pipe ends, or with no input at all (</dev/null), the cluster runs until it is stopped.
reading=1
reported=()
while true; do
  for i in $(seq "$nodes"); do
    pid=${node_pid[$i]:-}
    if [[ -n $pid && ${reported[$i]:-} != "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "node$i (pid $pid) has stopped; 'start $i' starts it again"
      reported[$i]=$pid
    fi
  done
  if ((!reading)); then
    sleep 1
    continue
  fi
  line=
  read_status=0
  read -r -t 1 line || read_status=$?
  if ((read_status > 128)); then
    continue # nothing typed within the second
  elif ((read_status != 0)); then
    [[ -t 0 ]] && exit 0 # Ctrl-D
    reading=0
  fi
  read -r verb argument <<<"$line" || true
  case "${verb:-}" in
    "") ;;
    status) status ;;
    where) [[ -n ${argument:-} ]] && where "$argument" || echo "where DOC: which node serves document DOC" ;;
    kill | stop)
      if node_number "${argument:-}"; then
        signal_node "$argument" "$([[ $verb == kill ]] && echo KILL || echo TERM)"
        await_stopped "$argument"
        echo "node$argument stopped"
        reported[$argument]=${node_pid[$argument]}
      fi
      ;;
    start)
      if node_number "${argument:-}"; then
        if kill -0 "${node_pid[$argument]:-0}" 2>/dev/null; then
          echo "node$argument is running"
        else
          start_node "$argument"
          echo "node$argument starting..."
          await_ready "$argument" && echo "node$argument ready (pid ${node_pid[$argument]})" || true
        fi
      fi
      ;;
    quit | exit) exit 0 ;;
    *) echo "Commands: status | where DOC | kill N | stop N | start N | quit" ;;
  esac
done
