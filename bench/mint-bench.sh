#!/usr/bin/env bash
# Mint-path benchmark: wrk drives POST /token against (a) the broker in front of the GitHub
# simulator (zero added latency) and (b) a bare Vert.x pass-through hop in front of the same
# simulator — the physical floor of one extra HTTP hop — in the same run, at 1, 16 and 64
# concurrent callers. Not a test: it prints a table for docs/performance.md.
# Usage: bench/mint-bench.sh [seconds-per-point]   (needs wrk: apt-get install wrk)
#   BROKER_JAR=path   another build of the broker (e.g. a worktree of an older commit, for a
#                     before/after table in the same session); SKIP_BUILD=1 to use what is built.
set -euo pipefail
cd "$(dirname "$0")/.."
# The simulator's token format: classic (40 characters, the default) keeps the simulator cheap, so
# that broker and hop are measured, not the simulator; stateless (GitHub's ~520-character signed
# tokens) makes the simulator sign an RSA JWT per mint, which then bounds both (~1,800/s here).
case "${TOKEN_FORMAT:-classic}" in
  classic) FORMAT_FLAG=(--classic-tokens) ;;
  stateless) FORMAT_FLAG=() ;;
  *) echo "TOKEN_FORMAT must be classic or stateless" >&2; exit 2 ;;
esac
DUR="${1:-15}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 2; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl testkit dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
BROKER_JAR="${BROKER_JAR:-broker/target/quarkus-app/quarkus-run.jar}"
CP="testkit/target/classes:$(cat testkit/target/classpath.txt)"
WORK="$(mktemp -d /tmp/mint-bench.XXXXXX)"
BROKER_PORT=18080 HOP_PORT=18081
cleanup() { kill "${DEMO_PID:-}" "${HOP_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

java -cp "$CP" dev.agentbroker.testkit.demo.DemoMain "$BROKER_JAR" "$WORK" "$BROKER_PORT" --bench "${FORMAT_FLAG[@]}" > "$WORK/demo.out" 2>&1 &
DEMO_PID=$!
for _ in $(seq 1 120); do grep -q READY "$WORK/demo.out" 2>/dev/null && break; sleep 0.5; done
grep -q READY "$WORK/demo.out" || { cat "$WORK/demo.out"; exit 1; }
SIM_URL="$(cat "$WORK/sim.url")"
INSTALLATION=51000001   # SimulatorFixture.DEMO_ACME_INSTALLATION_ID
java -cp "$CP" dev.agentbroker.testkit.bench.PassThroughHop "$HOP_PORT" "$SIM_URL" "$WORK/dev-app-key.pem" "$INSTALLATION" > "$WORK/hop.out" 2>&1 &
HOP_PID=$!
for _ in $(seq 1 60); do grep -q READY "$WORK/hop.out" 2>/dev/null && break; sleep 0.5; done
export CALLER_JWT="$(cat "$WORK/caller.jwt")"
BROKER_JAVA_PID="$(pgrep -f -- '-jar .*quarkus-run.jar' | head -1)"  # the broker child, not DemoMain

run() { # target-url connections
  local threads=$(( $2 < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$2" -d"${DUR}s" --latency -s bench/mint-post.lua "$1/token" | grep RESULT
}
# Warm-up long enough for C2 to finish compiling the broker's hot paths (a short warm-up made the
# JIT compiler the broker's largest CPU consumer during measurement).
WARM="${WARMUP_SECONDS:-40}"
echo "warm-up ${WARM}s per target (not recorded)…"
DUR_SAVED="$DUR"; DUR="$WARM"
run "http://127.0.0.1:$BROKER_PORT" 16 >/dev/null; run "http://127.0.0.1:$HOP_PORT" 16 >/dev/null
DUR="$DUR_SAVED"

echo "broker: $BROKER_JAR; $(grep -o 'started in [0-9.]*s' "$WORK/broker.log" | head -1) (Quarkus' own start-up figure)"
# The journal's disk, in the same run: one fsync is what a mint's single journal wait costs.
java bench/FsyncProbe.java "$WORK" 200
echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB; $(java -version 2>&1 | head -1)"
printf '| callers | broker req/s | broker p50 ms | broker p99 ms | hop req/s | hop p50 ms | hop p99 ms | req/s ratio hop/broker | p50 ratio broker/hop | errors (broker/hop) |\n|---|---|---|---|---|---|---|---|---|---|\n'
for c in 1 16 64; do
  cpu0=$(awk '{print $14+$15}' "/proc/$BROKER_JAVA_PID/stat")
  b=$(run "http://127.0.0.1:$BROKER_PORT" "$c")
  cpu1=$(awk '{print $14+$15}' "/proc/$BROKER_JAVA_PID/stat")
  hcpu0=$(awk '{print $14+$15}' "/proc/$HOP_PID/stat")
  h=$(run "http://127.0.0.1:$HOP_PORT" "$c")
  hcpu1=$(awk '{print $14+$15}' "/proc/$HOP_PID/stat")
  val() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
  brps=$(val "$b" rps); hrps=$(val "$h" rps)
  bcpu=$(awk -v t=$((cpu1-cpu0)) -v n="$(val "$b" requests)" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", t*1000/hz/n}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s/%s |\n' "$c" "$brps" "$(val "$b" p50_ms)" "$(val "$b" p99_ms)" \
    "$hrps" "$(val "$h" p50_ms)" "$(val "$h" p99_ms)" "$(echo "$hrps / $brps" | bc -l)" \
    "$(echo "$(val "$b" p50_ms) / $(val "$h" p50_ms)" | bc -l)" "$(val "$b" errors)" "$(val "$h" errors)"
  hcpu=$(awk -v t=$((hcpu1-hcpu0)) -v n="$(val "$h" requests)" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", t*1000/hz/n}')
  echo "  CPU per request at $c callers: broker ${bcpu} ms, pass-through hop ${hcpu} ms" >&2
done
