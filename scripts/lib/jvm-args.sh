# shellcheck shell=bash
# The JVM flags every Surge JVM gets, read from the one place they live: jvm.properties at the repo
# root (property surge.jvm.args; Maven's Surefire/Failsafe read the same file through the parent pom).
#
# Use from a script:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/jvm-args.sh"    # sets SURGE_JVM_ARGS (every JVM) and
#       # SURGE_SERVER_JVM_ARGS (the server's collector and pre-touch: surge.server.jvm.args), defines
#       # surge_jvm_args [KEY] and surge_server_heap
#   exec java $SURGE_JVM_ARGS -jar gateway/target/...          # unquoted on purpose: one word per flag
# or run it to print them:
#   java $(scripts/lib/jvm-args.sh) ...
#
# JMH (bench/target/benchmarks.jar, built by mvn package): the host JVM and every forked JVM need
# the flags. Forks inherit the host's flags only while no -jvmArgs is given, so pass them both ways:
#   java $(scripts/lib/jvm-args.sh) -jar bench/target/benchmarks.jar \
#        -jvmArgsAppend "$(scripts/lib/jvm-args.sh)" [JMH options, e.g. -jvmArgs "-Xms2g -Xmx2g"]

# Prints the value of a key of jvm.properties: surge.jvm.args unless another key is named. Understands what jvm.properties uses: # and ! comments,
# key=value, and lines continued with a trailing backslash (leading spaces of the next line dropped).
surge_jvm_args() {
  local root file want="${1:-surge.jvm.args}"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  file="${SURGE_JVM_PROPERTIES:-$root/jvm.properties}"
  if [[ ! -r "$file" ]]; then
    echo "jvm-args.sh: cannot read $file" >&2
    return 1
  fi
  awk '
    BEGIN { found = 0; logical = ""; cont = 0 }
    {
      line = $0
      sub(/\r$/, "", line)
      if (cont) { sub(/^[ \t]+/, "", line) }
      else {
        sub(/^[ \t]+/, "", line)
        if (line ~ /^[#!]/ || line == "") next
      }
      if (line ~ /\\$/) { logical = logical substr(line, 1, length(line) - 1); cont = 1; next }
      logical = logical line; cont = 0
      handle(logical); logical = ""
    }
    END { if (cont) handle(logical); exit(found ? 0 : 1) }
    function handle(l,   k, v) {
      if (match(l, /[ \t]*[=:][ \t]*/)) { k = substr(l, 1, RSTART - 1); v = substr(l, RSTART + RLENGTH) }
      else return
      if (k == key) { gsub(/[ \t]+/, " ", v); sub(/ $/, "", v); print v; found = 1 }
    }
  ' key="$want" "$file" || { echo "jvm-args.sh: no $want in $file" >&2; return 1; }
}

# The server's heap, for -Xms and -Xmx alike: SURGE_HEAP (e.g. 512m, 4g) or an eighth of this
# machine's memory, at least 1 GiB and at most 8 GiB (a user costs about 230 B of engine state and
# a card code about 45 B: 3 GiB holds ten million of each with room for the young generation).
surge_server_heap() {
  if [[ -n "${SURGE_HEAP:-}" ]]; then
    if [[ ! "$SURGE_HEAP" =~ ^[1-9][0-9]*[mMgG]$ ]]; then
      echo "SURGE_HEAP must be a size such as 512m or 4g, not '$SURGE_HEAP'" >&2
      return 1
    fi
    echo "$SURGE_HEAP"
    return
  fi
  local kb gb
  kb="$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo 2>/dev/null || true)"
  gb=$(( ${kb:-0} / 8 / 1024 / 1024 ))
  (( gb < 1 )) && gb=1
  (( gb > 8 )) && gb=8
  echo "${gb}g"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # Run, not sourced: print the flags; --server: the server's own (collector, pre-touch, heap).
  if [[ "${1:-}" == "--server" ]]; then
    heap="$(surge_server_heap)" || exit 1
    echo "$(surge_jvm_args) $(surge_jvm_args surge.server.jvm.args) -Xms$heap -Xmx$heap"
  else
    surge_jvm_args
  fi
else
  SURGE_JVM_ARGS="$(surge_jvm_args)" || return 1
  SURGE_SERVER_JVM_ARGS="$(surge_jvm_args surge.server.jvm.args)" || return 1
  export SURGE_JVM_ARGS SURGE_SERVER_JVM_ARGS
fi
