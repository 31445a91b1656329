#!/usr/bin/env bash
# Broker start-up to ready: starts the demo broker (DemoMain --bench: simulators first, then the
# broker fast-jar with its default JVM options) N times and prints, per run, the time from the
# broker process spawn to its first 200 on /q/health/ready and Quarkus' own "started in" figure,
# then the medians. Not a test. Usage: bench/startup-bench.sh [runs]
#   BROKER_JAR=path   another build (before/after); SKIP_BUILD=1 to use what is built;
#   BROKER_JAVA_OPTS  as for the demo (docs/configuration.md, "Broker JVM").
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl testkit dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
BROKER_JAR="${BROKER_JAR:-broker/target/quarkus-app/quarkus-run.jar}"
CP="testkit/target/classes:$(cat testkit/target/classpath.txt)"
ready=() quarkus=()
for i in $(seq 1 "$RUNS"); do
  WORK="$(mktemp -d /tmp/startup-bench.XXXXXX)"
  java -cp "$CP" dev.agentbroker.testkit.demo.DemoMain "$BROKER_JAR" "$WORK" 18090 --bench > "$WORK/demo.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do grep -q READY "$WORK/demo.out" 2>/dev/null && break; sleep 0.25; done
  grep -q READY "$WORK/demo.out" || { cat "$WORK/demo.out"; kill $pid; exit 1; }
  r=$(cat "$WORK/broker-ready.ms"); q=$(grep -o 'started in [0-9.]*s' "$WORK/broker.log" | head -1 | grep -o '[0-9.]*')
  echo "run $i: spawn-to-ready ${r} ms, Quarkus started in ${q} s"
  ready+=("$r"); quarkus+=("$q")
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$WORK"
  sleep 1
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "STARTUP broker=$BROKER_JAR runs=$RUNS median_spawn_to_ready_ms=$(median "${ready[@]}") median_quarkus_started_s=$(median "${quarkus[@]}")"
