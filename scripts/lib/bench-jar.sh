# shellcheck shell=bash
# bench/target/benchmarks.jar, built when missing or older than any main source or pom of the
# modules it packs (engine, journal, delivery, gateway, cluster, simulator, bench). Sourced by scripts/bench and scripts/loadgen:
#   source "$ROOT/scripts/lib/bench-jar.sh"; ensure_bench_jar    # sets BENCH_JAR
ensure_bench_jar() {
  local root newer
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  BENCH_JAR="$root/bench/target/benchmarks.jar"
  if [[ -f "$BENCH_JAR" ]]; then
    newer="$(find "$root/pom.xml" "$root/jvm.properties" "$root"/{engine,journal,delivery,gateway,cluster,simulator,bench}/pom.xml \
      "$root"/{engine,journal,delivery,gateway,cluster,simulator,bench}/src/main -newer "$BENCH_JAR" -print -quit 2>/dev/null || true)"
    [[ -z "$newer" ]] && return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "bench: bench/target/benchmarks.jar is missing or stale and mvn is not on PATH (install Maven 3.8.7+, JDK 17+)" >&2
    return 2
  fi
  echo "bench: building bench/target/benchmarks.jar (mvn -q -B -ntp -DskipTests -pl bench -am package) ..." >&2
  (cd "$root" && mvn -q -B -ntp -DskipTests -pl bench -am package) >&2 || { echo "bench: build failed" >&2; return 2; }
}
