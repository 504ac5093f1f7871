# Sourced by the comparison scripts of src/load (compare-node.sh, compare-stores.sh,
# container-floor.sh): needs ROOT
# (the checkout) and WORK (a scratch folder).

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# The process listening on TCP port $1, or nothing.
pid_on() { ss -ltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true; }

# The load tool, compiled once and run from a copy in $WORK, so that a later build of the
# checkout (the run command's) cannot touch it; then `load MODE OPTIONS...` runs it.
build_load_tool() {
  log "building the load tool"
  (cd "$ROOT" && ./mvnw -q -B -Pload test-compile && ./mvnw -q -B -Pload dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" > /dev/null)
  cp -r "$ROOT/target/test-classes" "$WORK/load-classes"; cp -r "$ROOT/target/classes" "$WORK/main-classes"
}
load() { java -Xmx2g -cp "$WORK/load-classes:$WORK/main-classes:$(cat "$WORK/classpath.txt")" app.concord.load.LoadTool "$@"; }

# The value of the pom's property $1, as the run profiles use it.
pom() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1; }

# Starts, in the background, a server of kind $1 (payara or wildfly) with the run profiles' JVM
# options and the WAR $2 as its root application on port $3, its files and server.log in the
# folder $4; the further arguments are system properties (-Dname=value). With PREBOOT set, Payara
# Micro runs that pre-boot command file (the README's run command does). The environment, such
# as Concord's settings, is the server's. Returns at once: wait for the port with pid_on.
start_server() {
  local kind=$1 war=$2 port=$3 dir=$4; shift 4
  mkdir -p "$dir"
  if [ "$kind" = payara ]; then
    # shellcheck disable=SC2046
    (cd "$dir" && exec java $(pom payara.jvmArgs) "$@" -jar "$ROOT/target/payara-micro.jar" --nohazelcast \
       --disablephonehome ${PREBOOT:+--prebootcommandfile "$PREBOOT"} --deploy "$war" --contextroot / --port "$port" \
       > "$dir/server.log" 2>&1) &
  else
    local wildfly; wildfly=$ROOT/target/wildfly-$(pom wildfly.version)
    cp -r "$wildfly/standalone" "$dir/standalone"; cp "$war" "$dir/standalone/deployments/ROOT.war"
    (cd "$dir" && JBOSS_HOME=$wildfly JBOSS_JAVA_SIZING="$(pom wildfly.javaSizing)" LAUNCH_JBOSS_IN_BACKGROUND=true \
       exec "$wildfly/bin/standalone.sh" -Djboss.server.base.dir="$dir/standalone" \
       -Djboss.socket.binding.port-offset=$((port - 8080)) "$@" > "$dir/server.log" 2>&1) &
  fi
}
