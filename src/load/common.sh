# Sourced by the comparison scripts of src/load (compare-node.sh, container-floor.sh): needs ROOT
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
