#!/usr/bin/env bash
# Audit journal benchmark: durable appends/s with group commit at 1, 8 and 64 writers next to an
# fsync-per-event baseline measured in the same run on the same disk, then HEC shipping throughput
# to the testkit's strict receiver (acks off and on). Not a test: prints a table for
# docs/performance.md. Usage: bench/journal-bench.sh [seconds-per-point] [work-dir] [rounds] [no-shipping]
# Unkeyed and keyed (HMAC chain + checkpoints) group commit alternate for [rounds] rounds; medians.
# The work dir must be on the disk you care about (not tmpfs): fsync cost is the whole point.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-5}"
WORK="${2:-audit/target}"
./mvnw -B -q -pl audit,testkit install -DskipTests
./mvnw -B -q -pl audit dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="audit/target/test-classes:audit/target/classes:$(cat audit/target/bench-classpath.txt)"
mkdir -p "$WORK"
echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), $(df -T "$WORK" | awk 'NR==2{print $2" on "$1}'), load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
java -Xmx1g -cp "$CP" dev.agentbroker.audit.bench.JournalBench "$SECS" "$WORK" "${3:-3}" "${4:-}"
