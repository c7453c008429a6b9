# shellcheck shell=bash
# The JVM flags every Surge JVM gets, read from the one place they live: jvm.properties at the repo
# root (property surge.jvm.args; Maven's Surefire/Failsafe read the same file through the parent pom).
#
# Use from a script:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/jvm-args.sh"    # sets SURGE_JVM_ARGS, defines surge_jvm_args
#   exec java $SURGE_JVM_ARGS -jar gateway/target/...          # unquoted on purpose: one word per flag
# or run it to print them:
#   java $(scripts/lib/jvm-args.sh) ...
#
# JMH (bench/target/benchmarks.jar, built by mvn package): the host JVM and every forked JVM need
# the flags. Forks inherit the host's flags only while no -jvmArgs is given, so pass them both ways:
#   java $(scripts/lib/jvm-args.sh) -jar bench/target/benchmarks.jar \
#        -jvmArgsAppend "$(scripts/lib/jvm-args.sh)" [JMH options, e.g. -jvmArgs "-Xms2g -Xmx2g"]

# Prints the value of surge.jvm.args. Understands what jvm.properties uses: # and ! comments,
# key=value, and lines continued with a trailing backslash (leading spaces of the next line dropped).
surge_jvm_args() {
  local root file
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  file="${SURGE_JVM_PROPERTIES:-$root/jvm.properties}"
  if [[ ! -r "$file" ]]; then
    echo "jvm-args.sh: cannot read $file" >&2
    return 1
  fi
  awk '
    BEGIN { key = "surge.jvm.args"; found = 0; logical = ""; cont = 0 }
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
  ' "$file" || { echo "jvm-args.sh: no surge.jvm.args in $file" >&2; return 1; }
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # Run, not sourced: print the flags.
  surge_jvm_args
else
  SURGE_JVM_ARGS="$(surge_jvm_args)" || return 1
  export SURGE_JVM_ARGS
fi
