# shellcheck shell=bash
# What scripts/run and scripts/supplier-sim share: the gateway jar and its runtime dependencies,
# built when missing or stale. Source it; it sets GATEWAY_CLASSPATH (and SURGE_JVM_ARGS through
# jvm-args.sh) or exits 2 with a message naming the calling script.
#
#  - The class path is gateway/target/surge-gateway-<version>.jar plus gateway/target/lib/*, the
#    runtime dependencies copied there by maven-dependency-plugin at package (not a shaded jar:
#    Netty's native epoll library and the META-INF service files of Netty, Chronicle and logback
#    stay exactly as packaged, and a rebuild only rewrites our own jar).
#  - Rebuilt (mvn -q -B -ntp -DskipTests package, for the gateway and the modules it needs) when
#    the jar or lib/ is missing, or when a pom, jvm.properties or any main source of engine,
#    journal or gateway is newer than the jar. The build's output goes to stderr.

SURGE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=jvm-args.sh
source "$SURGE_ROOT/scripts/lib/jvm-args.sh"   # sets SURGE_JVM_ARGS from jvm.properties

_surge_target="$SURGE_ROOT/gateway/target"
_surge_caller="$(basename "$0")"

_surge_gateway_jar() {
  find "$_surge_target" -maxdepth 1 -name 'surge-gateway-*.jar' ! -name '*-sources.jar' ! -name '*-tests.jar' \
    -print -quit 2>/dev/null || true
}

_surge_needs_build() {
  local jar
  jar="$(_surge_gateway_jar)"
  [[ -n "$jar" && -d "$_surge_target/lib" ]] || return 0
  local newer
  newer="$(find "$SURGE_ROOT/pom.xml" "$SURGE_ROOT/jvm.properties" "$SURGE_ROOT/engine/pom.xml" \
    "$SURGE_ROOT/journal/pom.xml" "$SURGE_ROOT/gateway/pom.xml" "$SURGE_ROOT/engine/src/main" \
    "$SURGE_ROOT/journal/src/main" "$SURGE_ROOT/gateway/src/main" -newer "$jar" -print -quit 2>/dev/null || true)"
  [[ -n "$newer" ]]
}

if _surge_needs_build; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "$_surge_caller: the gateway is not built and mvn is not on PATH (install Maven 3.8.7+ and JDK 17+)" >&2
    exit 2
  fi
  echo "$_surge_caller: building the gateway (mvn -q -B -ntp -DskipTests package) ..." >&2
  if ! (cd "$SURGE_ROOT" && mvn -q -B -ntp -DskipTests -pl gateway -am package) >&2; then
    echo "$_surge_caller: build failed" >&2
    exit 2
  fi
fi

GATEWAY_CLASSPATH="$(_surge_gateway_jar):$_surge_target/lib/*"
SURGE_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
export GATEWAY_CLASSPATH SURGE_JAVA
