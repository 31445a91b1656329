#!/usr/bin/env bash
# Live heap per lease, before (the registry of BASE_REF) and after (this checkout): runs
# bench/LeaseFootprint.java single-threaded against both builds of the lease classes, with the
# token formats and caller mixes of docs/performance.md "Lease memory". Quick (~1 min), not a test.
# Usage: bench/lease-footprint.sh [N]   (BASE_REF: git ref with the old registry, default 78f2e49)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-500000}"
BASE_REF="${BASE_REF:-78f2e49}"
./mvnw -B -q -o compile -pl broker-tier-a -am
OLD="$(mktemp -d /tmp/lease-footprint.XXXXXX)"
trap 'rm -rf "$OLD"' EXIT
for f in Lease LeaseRegistry; do
  git show "$BASE_REF:broker-tier-a/src/main/java/dev/agentbroker/tiera/$f.java" > "$OLD/$f.java"
done
javac -d "$OLD/classes" "$OLD/Lease.java" "$OLD/LeaseRegistry.java"
NEW_CP="broker-tier-a/target/classes:audit/target/classes"
JVM=(java -XX:+UseSerialGC -Xms2g -Xmx2g)
echo "machine: $(java -version 2>&1 | head -1); N=$N; old registry from $BASE_REF"
for mix in "classic shared" "classic unique-subjects" "stateless shared"; do
  # shellcheck disable=SC2086
  "${JVM[@]}" -cp "$OLD/classes:$NEW_CP" bench/LeaseFootprint.java "$N" $mix | sed 's|registry=[^ ]*|registry=before|'
  # shellcheck disable=SC2086
  "${JVM[@]}" -cp "$NEW_CP" bench/LeaseFootprint.java "$N" $mix | sed 's|registry=[^ ]*|registry=after|'
done
