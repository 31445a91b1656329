#!/usr/bin/env bash
# Lease-memory soak: starts the demo broker (as bench/mint-bench.sh does, with the broker JVM's
# default options from BROKER_JAVA_OPTS / BrokerJvm), drives POST /token at full speed with wrk
# for N minutes and prints, per interval, the throughput, the leases held and the broker JVM's RSS
# and heap in use; at the end the live heap after a full GC and what that makes per lease. Every
# minted token stays a lease for an hour, so the registry grows for the whole run.
# Not a test and not for a shared machine's idle minutes: results go to docs/performance.md.
# Usage: bench/soak.sh [minutes]   (default 4; needs wrk and jcmd)
# Env: SOAK_SECONDS (overrides minutes, e.g. 20 for a smoke run), INTERVAL (seconds per row, 60),
#      CONNECTIONS (16), TOKEN_FORMAT (classic: 40-character tokens, the default; stateless:
#      GitHub's ~520-character ones), BROKER_JAVA_OPTS (the broker JVM's options), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL="${SOAK_SECONDS:-$(( ${1:-4} * 60 ))}"
INTERVAL="${INTERVAL:-60}"
CONNECTIONS="${CONNECTIONS:-16}"
TOKEN_FORMAT="${TOKEN_FORMAT:-classic}"
for tool in wrk jcmd; do
  command -v "$tool" >/dev/null || { echo "$tool missing (wrk: apt-get install wrk)" >&2; exit 2; }
done
case "$TOKEN_FORMAT" in
  classic) FORMAT_FLAG=(--classic-tokens) ;;
  stateless) FORMAT_FLAG=() ;;
  *) echo "TOKEN_FORMAT must be classic or stateless" >&2; exit 2 ;;
esac
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # A reactor build (no install: the shared ~/.m2 stays untouched); the classpath file lists the
  # sibling modules' jars from their target/ directories.
  ./mvnw -B -q -o package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -DskipTests -Dspotless.check.skip=true -pl testkit,broker -am
fi
CP="testkit/target/classes:$(cat testkit/target/classpath.txt)"
WORK="$(mktemp -d /tmp/soak.XXXXXX)"
PORT="${PORT:-18090}"
cleanup() { kill "${WRK_PID:-}" "${DEMO_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

java -cp "$CP" dev.agentbroker.testkit.demo.DemoMain broker/target/quarkus-app/quarkus-run.jar \
  "$WORK" "$PORT" --bench "${FORMAT_FLAG[@]}" > "$WORK/demo.out" 2>&1 &
DEMO_PID=$!
for _ in $(seq 1 120); do grep -q READY "$WORK/demo.out" 2>/dev/null && break; sleep 0.5; done
grep -q READY "$WORK/demo.out" || { cat "$WORK/demo.out"; exit 1; }
export CALLER_JWT="$(cat "$WORK/caller.jwt")"
# The broker is DemoMain's child (not any other broker on the machine).
BROKER_PID="$(pgrep -P "$DEMO_PID" -f 'quarkus-run.jar' | head -1)"
[ -n "$BROKER_PID" ] || { echo "broker JVM not found under DemoMain $DEMO_PID" >&2; exit 1; }

rss_mib() { awk '/^VmRSS/{printf "%.0f", $2/1024}' "/proc/$BROKER_PID/status"; }
heap_kib() { # heap in use, from the GC's own report (G1: "used NNNK"; Serial/Parallel: per space)
  jcmd "$BROKER_PID" GC.heap_info | awk '
    /garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?/, "", v); print v; exit } }
    /(def new generation|tenured generation|PSYoungGen|ParOldGen)/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?/, "", v); s += v } }
    END { if (s) print s }'
}
heap_mib() { awk -v k="$(heap_kib)" 'BEGIN { printf "%.0f", k / 1024 }'; }
leases() { curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^broker_leases_active /{printf "%d", $2}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $(java -version 2>&1 | head -1)"
echo "broker JVM: $(tr '\0' ' ' < "/proc/$BROKER_PID/cmdline" | sed 's/ -jar .*//')"
echo "tokens: $TOKEN_FORMAT; $CONNECTIONS connections; ${TOTAL}s in ${INTERVAL}s rows"
jcmd "$BROKER_PID" GC.run >/dev/null
BASE_KIB="$(heap_kib)"; BASE_HEAP="$(heap_mib)"
printf '| elapsed s | req/s | non-201 + socket errors | leases | RSS MiB | heap in use MiB |\n|---|---|---|---|---|---|\n'
printf '| 0 | - | - | %s | %s | %s (after full GC) |\n' "$(leases)" "$(rss_mib)" "$BASE_HEAP"
elapsed=0
while [ "$elapsed" -lt "$TOTAL" ]; do
  step=$(( TOTAL - elapsed < INTERVAL ? TOTAL - elapsed : INTERVAL ))
  r="$(wrk -t2 -c"$CONNECTIONS" -d"${step}s" -s bench/mint-post.lua "http://127.0.0.1:$PORT/token" | grep RESULT)"
  elapsed=$(( elapsed + step ))
  val() { echo "$r" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
  printf '| %s | %s | %s | %s | %s | %s |\n' "$elapsed" "$(val rps)" "$(val errors)" "$(leases)" "$(rss_mib)" "$(heap_mib)"
done
jcmd "$BROKER_PID" GC.run >/dev/null
LIVE_KIB="$(heap_kib)"; N="$(leases)"
echo "after a full GC: heap in use $(heap_mib) MiB (${BASE_HEAP} MiB before the run), RSS $(rss_mib) MiB, $N leases"
# Everything the run left in the heap, over the leases: the registry plus any per-mint state
# elsewhere in the broker (small N: dominated by caches and JIT-era allocations, not leases).
awk -v a="$LIVE_KIB" -v b="$BASE_KIB" -v n="$N" 'BEGIN { if (n > 0) printf "live heap growth per lease: %.0f bytes\n", (a - b) * 1024 / n }'
