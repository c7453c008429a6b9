# shellcheck shell=bash
# What scripts/run, scripts/supplier-sim and scripts/payment-sim share: the gateway's and the simulators' jars
# and their runtime dependencies, built when missing or stale. Source it; it sets GATEWAY_CLASSPATH
# and SIMULATOR_CLASSPATH (and SURGE_JVM_ARGS through jvm-args.sh) or exits 2 with a message naming
# the calling script.
#
#  - GATEWAY_CLASSPATH is gateway/target/surge-gateway-<version>.jar plus gateway/target/lib/*, the
#    runtime dependencies copied there by maven-dependency-plugin at package (not a shaded jar:
#    Netty's native epoll library and the META-INF service files of Netty, Chronicle and logback
#    stay exactly as packaged, and a rebuild only rewrites our own jars), plus
#    simulator/target/surge-simulator-<version>.jar: demo mode embeds the simulated supplier and
#    finds it there (java.util.ServiceLoader); the gateway's own jar and lib/ never hold it.
#  - SIMULATOR_CLASSPATH is simulator/target/surge-simulator-<version>.jar plus simulator/target/lib/*.
#  - Rebuilt (mvn -q -B -ntp -DskipTests -pl gateway,simulator -am package) when a jar or lib/ is
#    missing, or when a pom, jvm.properties or any main source of engine, journal, delivery,
#    cluster (the gateway's client of a cluster, --engine cluster), gateway or simulator is newer
#    than the gateway's jar. The build's output goes to stderr.

SURGE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=jvm-args.sh
source "$SURGE_ROOT/scripts/lib/jvm-args.sh"   # sets SURGE_JVM_ARGS from jvm.properties

_surge_caller="$(basename "$0")"
_surge_modules=(engine journal delivery cluster gateway simulator)

# The module's own jar in <module>/target (not sources or tests), or nothing.
_surge_jar() {
  find "$SURGE_ROOT/$1/target" -maxdepth 1 -name "surge-$1-*.jar" ! -name '*-sources.jar' ! -name '*-tests.jar' \
    -print -quit 2>/dev/null || true
}

_surge_needs_build() {
  local gateway_jar simulator_jar m newer
  gateway_jar="$(_surge_jar gateway)"
  simulator_jar="$(_surge_jar simulator)"
  [[ -n "$gateway_jar" && -d "$SURGE_ROOT/gateway/target/lib" ]] || return 0
  [[ -n "$simulator_jar" && -d "$SURGE_ROOT/simulator/target/lib" ]] || return 0
  local paths=("$SURGE_ROOT/pom.xml" "$SURGE_ROOT/jvm.properties")
  for m in "${_surge_modules[@]}"; do
    paths+=("$SURGE_ROOT/$m/pom.xml" "$SURGE_ROOT/$m/src/main")
  done
  newer="$(find "${paths[@]}" \( -newer "$gateway_jar" -o -newer "$simulator_jar" \) -print -quit 2>/dev/null || true)"
  [[ -n "$newer" ]]
}

if _surge_needs_build; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "$_surge_caller: the gateway is not built and mvn is not on PATH (install Maven 3.8.7+ and JDK 17+)" >&2
    exit 2
  fi
  echo "$_surge_caller: building the gateway and the simulator (mvn -q -B -ntp -DskipTests -pl gateway,simulator -am package) ..." >&2
  if ! (cd "$SURGE_ROOT" && mvn -q -B -ntp -DskipTests -pl gateway,simulator -am package) >&2; then
    echo "$_surge_caller: build failed" >&2
    exit 2
  fi
fi

GATEWAY_CLASSPATH="$(_surge_jar gateway):$SURGE_ROOT/gateway/target/lib/*:$(_surge_jar simulator)"
SIMULATOR_CLASSPATH="$(_surge_jar simulator):$SURGE_ROOT/simulator/target/lib/*"
SURGE_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
export GATEWAY_CLASSPATH SIMULATOR_CLASSPATH SURGE_JAVA
