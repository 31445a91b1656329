#!/usr/bin/env bash
# Egress proxy vs. Squid vs. direct, side by side on loopback, in one run.
#
# Needs: JDK 17+, Debian's squid (`apt-get install squid`; this script installs nothing), and
# permission to bind 127.0.0.1:443 for the TLS origin (root, or set ORIGIN_PORT and accept that
# Squid's "CONNECT 443 only" rule then names that port instead).
#
#   bench/egress-bench.sh                 # each cell >= 10 s, then until 3000 tunnels or 30 s
#   SECONDS_PER_RUN=20 bench/egress-bench.sh
#   WAIT_QUIET=1200 bench/egress-bench.sh  # first wait up to 1200 s for 1-min load average < 1.5
#   BENCH_OPTS="-Dbench.clients=64 -Dbench.bulk=false" bench/egress-bench.sh   # one cell, no bulk/RSS
#   EGRESS_OPTS="-XX:+UseParallelGC" bench/egress-bench.sh                     # proxy JVM options
#
# Every path (direct, egress, squid) is warmed up first with >= 3000 tunnels and >= WARMUP_SECONDS (30)
# so the JVMs' JIT compilation is not billed to the first cell. Run it on an otherwise idle machine:
# the load generator, the origin and the proxies share the CPUs.
#
# Results: printed, and saved to bench/results/egress-<timestamp>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ORIGIN_PORT="${ORIGIN_PORT:-443}"
SECS="${SECONDS_PER_RUN:-10}"
EGRESS_PORT="${EGRESS_PORT:-3129}"
SQUID_PORT="${SQUID_PORT:-3130}"
SQUID="${SQUID:-/usr/sbin/squid}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -pl egress -am install -DskipTests
fi
if [ "${WAIT_QUIET:-0}" -gt 0 ]; then
  waited=0
  until awk '{exit !($1 < 1.5)}' /proc/loadavg; do
    if [ "$waited" -ge "$WAIT_QUIET" ]; then
      echo "machine not quiet after ${WAIT_QUIET}s (loadavg $(cut -d' ' -f1-3 /proc/loadavg)); running anyway" >&2
      break
    fi
    sleep 30; waited=$((waited + 30))
  done
fi
WORK="$(mktemp -d /tmp/egress-bench.XXXXXX)"
chmod 0777 "$WORK" # squid drops to its cache_effective_user and must write its logs here
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

printf '127.0.0.1 origin.test\n' > "$WORK/hosts"

# Reference-deployment allowlist plus the benchmark origin as a named internal host.
cat > "$WORK/policy.yaml" <<YAML
version: 1
identities: []
egress:
  groups:
    github: [github.com, api.github.com, objects.githubusercontent.com, raw.githubusercontent.com]
    model-apis: [api.anthropic.com, api.openai.com, generativelanguage.googleapis.com]
    nix: [cache.nixos.org, channels.nixos.org]
    internal: [origin.test]
  clients:
    - {cidr: 127.0.0.0/8, profile: autonomous, groups: [github, model-apis, nix, internal]}
YAML
cat > "$WORK/egress.yaml" <<YAML
listen: ["127.0.0.1:$EGRESS_PORT"]
metrics_listen: "127.0.0.1:0"
policy_file: policy.yaml
audit_dir: audit
limits: {max_tunnels_per_client: 4096, max_tunnels_total: 8192}
groups:
  internal: {ports: [$ORIGIN_PORT], internal_hosts: [origin.test], allow_ips: ["127.0.0.1/32"]}
YAML

cat > "$WORK/squid.conf" <<CONF
http_port 127.0.0.1:$SQUID_PORT
pid_filename $WORK/squid.pid
cache_log $WORK/cache.log
access_log stdio:$WORK/access.log
coredump_dir $WORK
hosts_file $WORK/hosts
cache deny all
cache_mem 8 MB
max_filedescriptors 8192
shutdown_lifetime 1 seconds
acl SSL_ports port $ORIGIN_PORT
acl CONNECT method CONNECT
acl sandbox src 127.0.0.0/8
acl github dstdomain github.com api.github.com objects.githubusercontent.com raw.githubusercontent.com
acl modelapis dstdomain api.anthropic.com api.openai.com generativelanguage.googleapis.com
acl nix dstdomain cache.nixos.org channels.nixos.org
acl internal dstdomain origin.test
http_access deny !CONNECT
http_access deny CONNECT !SSL_ports
http_access allow CONNECT sandbox github
http_access allow CONNECT sandbox modelapis
http_access allow CONNECT sandbox nix
http_access allow CONNECT sandbox internal
http_access deny all
CONF

wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2; return 1
}

CP="egress/target/classes:$(cat egress/target/runtime.classpath)"
# jdk.net.hosts.file makes the JDK's system resolver read our hosts file (origin.test -> 127.0.0.1).
java ${EGRESS_OPTS:--Xmx256m -XX:+UseSerialGC} -Djdk.net.hosts.file="$WORK/hosts" -cp "$CP" \
  dev.agentbroker.egress.EgressMain --config "$WORK/egress.yaml" > "$WORK/egress.log" 2>&1 &
EGRESS_PID=$!; PIDS+=("$EGRESS_PID")
# Optional before/after in the same run: BASELINE_CLASSES=dir of an older build's classes (same
# runtime classpath, or BASELINE_CP=its classpath) is started as "egress-before" on EGRESS_PORT+10
# with its own audit journal.
BASELINE_ARG=()
if [ -n "${BASELINE_CLASSES:-}" ]; then
  BASE_PORT=$((EGRESS_PORT + 10))
  sed -e "s/:$EGRESS_PORT\"/:$BASE_PORT\"/" -e "s/^audit_dir: audit/audit_dir: audit-before/" \
    "$WORK/egress.yaml" > "$WORK/egress-before.yaml"
  java ${EGRESS_OPTS:--Xmx256m -XX:+UseSerialGC} -Djdk.net.hosts.file="$WORK/hosts" \
    -cp "$BASELINE_CLASSES:${BASELINE_CP:-$(cat egress/target/runtime.classpath)}" \
    dev.agentbroker.egress.EgressMain --config "$WORK/egress-before.yaml" > "$WORK/egress-before.log" 2>&1 &
  BASE_PID=$!; PIDS+=("$BASE_PID")
  wait_port "$BASE_PORT"
  BASELINE_ARG=("egress-before=$BASE_PORT:$BASE_PID")
fi
# Optional reference: BARE_RELAY=1 also starts bench/BareRelay.java (a feature-less Netty relay:
# no policy, limits, log, audit or metrics) as "bare-relay" on EGRESS_PORT+20, to show the floor.
if [ "${BARE_RELAY:-0}" = 1 ]; then
  RELAY_PORT=$((EGRESS_PORT + 20))
  java ${EGRESS_OPTS:--Xmx256m -XX:+UseSerialGC} -Djdk.net.hosts.file="$WORK/hosts" \
    -cp "$(cat egress/target/runtime.classpath)" bench/BareRelay.java "$RELAY_PORT" > "$WORK/bare-relay.log" 2>&1 &
  RELAY_PID=$!; PIDS+=("$RELAY_PID")
  wait_port "$RELAY_PORT"
  BASELINE_ARG+=("bare-relay=$RELAY_PORT:$RELAY_PID")
fi
"$SQUID" -N -f "$WORK/squid.conf" > "$WORK/squid.out" 2>&1 &
SQUID_PID=$!; PIDS+=("$SQUID_PID")
wait_port "$EGRESS_PORT"; wait_port "$SQUID_PORT"

TCP="egress/target/test-classes:egress/target/classes:$(cat egress/target/test.classpath)"
OUT="bench/results/egress-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p bench/results
{
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB RAM, $(uname -sr)"
  echo "Java: $(java -version 2>&1 | head -1); $("$SQUID" -v | head -1)"
  echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  java -Xmx1g ${BENCH_OPTS:-} -Dwarmup.seconds="${WARMUP_SECONDS:-30}" -cp "$TCP" dev.agentbroker.egress.bench.EgressBench "$ORIGIN_PORT" "$SECS" \
    "egress=$EGRESS_PORT:$EGRESS_PID" ${BASELINE_ARG[@]+"${BASELINE_ARG[@]}"} "squid=$SQUID_PORT:$SQUID_PID"
  echo
  echo "Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
echo "saved $OUT; proxy logs in $WORK" >&2
