#!/usr/bin/env bash
# Credential injection (issue #13) vs. plain CONNECT vs. direct, side by side on loopback, in one run.
#
# Upstreams are the testkit's stand-ins, all on 127.0.0.1: the GitHub simulator, its HTTPS git host
# (real git http-backend, admits only live simulator tokens) as github.com and an HTTPS API
# stand-in as api.github.com, plus a broker stand-in that mints simulator tokens for the proxy.
# One egress proxy serves both proxied paths: proxy user plain-1 gets an opaque CONNECT tunnel,
# sandbox-1 gets injection (see egress/src/test/.../internal/inject/InjectHarness.java).
#
# Measured per path:
#   * git clone --bare of a repository holding one incompressible blob of BENCH_REPO_MIB (55) MiB,
#     median of BENCH_ROUNDS (5) rounds, paths interleaved, after one warm-up round each;
#   * BENCH_GETS (1000) small API GETs (GET /repos/acme/svc-a) from one curl over one keep-alive
#     connection, p50/p90 of curl's per-request time_total, after BENCH_WARMUP_GETS (100).
# Aim: inject clone <= 1.3x connect; inject p50 <= connect p50 + 1 ms.
#
#   bench/inject-bench.sh
#   BENCH_ROUNDS=9 BENCH_GETS=2000 bench/inject-bench.sh
#   WAIT_QUIET=1200 bench/inject-bench.sh   # first wait up to 1200 s for 1-min load average < 1.5
#
# Needs: JDK 17+, git (2.37+ for http.curloptResolve), curl. Run it on an otherwise idle machine:
# client, proxy and upstreams share the CPUs. Results: printed and saved to
# bench/results/inject-<timestamp>.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # Compiles egress and its test sources with the reactor (testkit included); writes
  # egress/target/test.classpath. Nothing is installed into ~/.m2.
  ./mvnw -B -q -pl egress -am test-compile
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
git --version >/dev/null && curl --version >/dev/null

CP="egress/target/test-classes:egress/target/classes:testkit/target/classes:$(cat egress/target/test.classpath)"
mkdir -p bench/results
OUT="bench/results/inject-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# inject-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Host: $(nproc) CPUs, loadavg $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(git --version); $(curl --version | head -1 | cut -d' ' -f1-2)"
  echo
  # Decision lines go to a file, not the terminal, for every path alike.
  java -Xmx1g ${EGRESS_OPTS:-} \
    -Dbench.rounds="${BENCH_ROUNDS:-5}" -Dbench.gets="${BENCH_GETS:-1000}" \
    -Dbench.warmup.gets="${BENCH_WARMUP_GETS:-100}" -Dbench.repo.mib="${BENCH_REPO_MIB:-55}" \
    -cp "$CP" dev.agentbroker.egress.internal.inject.InjectBench 2> "${OUT%.md}.log"
} | tee "$OUT"
echo "saved: $OUT (proxy log: ${OUT%.md}.log)"
