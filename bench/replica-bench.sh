#!/usr/bin/env bash
# Replica benchmark (issue #17): the mint path of (a) one broker with state in memory, (b) one broker
# with its state in a real Redis, and (c) two brokers sharing that Redis with the load split evenly
# between them, in the same run, at 16 and 64 concurrent callers. On a 2-core machine (c) shows the
# overhead of sharing, not scale: every JVM and Redis compete for the same cores. Reported per
# configuration: mints/s, p50/p99, CPU per mint (all broker JVMs plus redis-server) and Redis
# commands per mint (INFO commandstats, which also counts the GET/SET inside Lua scripts: a mint is
# 3 round trips, 2 GCRA scripts and the lease SET, with 7 commands). Not a test: it prints a table
# for docs/performance.md.
# Usage: bench/replica-bench.sh [seconds-per-point]   (needs wrk; SKIP_BUILD=1 to use what is built)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-15}"
WARM="${WARMUP_SECONDS:-30}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 2; }
command -v redis-cli >/dev/null || { echo "redis-cli missing: apt-get install redis-server" >&2; exit 2; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests -Djazzer.skip
  ./mvnw -B -q -pl testkit dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
BROKER_JAR="${BROKER_JAR:-broker/target/quarkus-app/quarkus-run.jar}"
CP="testkit/target/classes:$(cat testkit/target/classpath.txt)"
PORT=18180
DEMO_PID=""
cleanup() { [ -n "$DEMO_PID" ] && kill "$DEMO_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo "$t"; }
redis_calls() { # total commands Redis has executed (0 without Redis)
  [ -z "${REDIS_PORT:-}" ] && { echo 0; return; }
  redis-cli -p "$REDIS_PORT" INFO commandstats | awk -F'[=,:]' '/^cmdstat_/ && $1 != "cmdstat_info" {s += $3} END {print s+0}'
}

# start <label> <demo flags...>: starts the demo, sets URLS, BROKER_PIDS, REDIS_PORT, REDIS_PID
start() {
  WORK="$(mktemp -d /tmp/replica-bench.XXXXXX)"
  java -cp "$CP" dev.agentbroker.testkit.demo.DemoMain "$BROKER_JAR" "$WORK" "$PORT" --bench --classic-tokens "$@" > "$WORK/demo.out" 2>&1 &
  DEMO_PID=$!
  for _ in $(seq 1 240); do grep -q READY "$WORK/demo.out" 2>/dev/null && break; sleep 0.5; done
  grep -q READY "$WORK/demo.out" || { cat "$WORK/demo.out"; exit 1; }
  mapfile -t URLS < "$WORK/broker-urls"
  BROKER_PIDS=($(pgrep -f -- "-jar $BROKER_JAR" || true))
  REDIS_PORT=""; REDIS_PID=""
  if [ -f "$WORK/redis.url" ]; then
    REDIS_PORT="$(sed 's/.*://' "$WORK/redis.url")"
    REDIS_PID="$(pgrep -f "redis-server 127.0.0.1:$REDIS_PORT" | head -1)"
  fi
  export CALLER_JWT="$(cat "$WORK/caller.jwt")"
}
stop() { kill "$DEMO_PID" 2>/dev/null; wait "$DEMO_PID" 2>/dev/null || true; DEMO_PID=""; }

# load <connections> <seconds>: splits the connections over the replicas; prints "rps p50 p99 requests errors"
load() {
  local per=$(( $1 / ${#URLS[@]} )) i=0 pids=()
  for u in "${URLS[@]}"; do
    wrk -t1 -c"$per" -d"$2s" --latency -s bench/mint-post.lua "$u/token" > "$WORK/wrk.$i" &
    pids+=($!); i=$((i+1))
  done
  wait "${pids[@]}"
  # Sum throughput, requests and errors; latency percentiles: the worse replica's (a conservative merge).
  grep -h RESULT "$WORK"/wrk.* | awk '{for(i=2;i<=NF;i++){split($i,kv,"="); v[kv[1]]=kv[2]}
      rps+=v["rps"]; req+=v["requests"]; err+=v["errors"];
      if (v["p50_ms"]>p50) p50=v["p50_ms"]; if (v["p99_ms"]>p99) p99=v["p99_ms"]}
      END {printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, req, err}'
  rm -f "$WORK"/wrk.*
}

echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB; $(java -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3)"
printf '| configuration | callers | mints/s | p50 ms | p99 ms | CPU ms per mint (brokers + Redis) | Redis commands per mint (incl. inside scripts) | errors |\n|---|---|---|---|---|---|---|---|\n'
for config in "memory, 1 replica|" "redis, 1 replica|--shared-state" "redis, 2 replicas|--replicas 2"; do
  label="${config%%|*}" flags="${config#*|}"
  # shellcheck disable=SC2086
  start $flags
  load 16 "$WARM" >/dev/null  # warm-up: C2 compiles the hot paths (not recorded)
  for c in 16 64; do
    pids=("${BROKER_PIDS[@]}"); [ -n "$REDIS_PID" ] && pids+=("$REDIS_PID")
    t0=$(ticks "${pids[@]}"); r0=$(redis_calls)
    read -r rps p50 p99 req err < <(load "$c" "$DUR")
    t1=$(ticks "${pids[@]}"); r1=$(redis_calls)
    cpu=$(awk -v t=$((t1-t0)) -v n="$req" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", t*1000/hz/n}')
    rt=$(awk -v d=$((r1-r0)) -v n="$req" 'BEGIN{printf "%.2f", d/n}')
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$c" "$rps" "$p50" "$p99" "$cpu" "$rt" "$err"
  done
  stop
done
