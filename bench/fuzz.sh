#!/usr/bin/env bash
# Runs the Jazzer fuzz targets in fuzzing mode, one after another, for MINUTES each, and prints
# the final libFuzzer status of each (executions/s, coverage). Not a test; results go into
# docs/security.md. Without JAZZER_FUZZ the same targets only replay their committed seed corpus
# in the normal ./mvnw verify.
#
# Usage: bench/fuzz.sh [minutes] [target...]     (default: 10 minutes, every target)
#   env: FUZZ_LOG_DIR (default /tmp/fuzz-logs), MVN_FLAGS (default -o), NICE (default 10)
# Targets: policy jwt token verbs egress-head egress-authority hec git-credential
#
# Findings do not stop a target before its time (jazzer.keep_going, env KEEP_GOING, default 20
# distinct findings); Jazzer writes each crash-<sha1> into the target's seed directory
# (src/test/resources/.../<Class>Inputs/<method>/), where the next ./mvnw verify replays it;
# the corpus it grew is kept under <module>/.cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-10}"
shift || true
LOG_DIR="${FUZZ_LOG_DIR:-/tmp/fuzz-logs}"
MVN_FLAGS="${MVN_FLAGS:--o}"
mkdir -p "$LOG_DIR"

# name | module | test class | method
TARGETS="
policy|policy|dev.agentbroker.policy.fuzz.PolicyCompilerFuzzTest|compile
jwt|broker|dev.agentbroker.broker.auth.fuzz.CallerAuthenticatorFuzzTest|authenticate
token|broker|dev.agentbroker.broker.api.fuzz.TokenRequestParserFuzzTest|parse
verbs|broker|dev.agentbroker.broker.verbs.fuzz.VerbBodyFuzzTest|parse
egress-head|egress|dev.agentbroker.egress.internal.fuzz.HeadParserFuzzTest|feed
egress-authority|egress|dev.agentbroker.egress.internal.fuzz.TargetFuzzTest|parse
hec|audit|dev.agentbroker.audit.hec.internal.fuzz.HecAnswerFuzzTest|answer
git-credential|sandbox-runner|dev.agentbroker.sandbox.internal.credential.fuzz.GitCredentialRequestFuzzTest|read
"
if [ "$#" -eq 0 ]; then
  set -- $(echo "$TARGETS" | cut -d'|' -f1)
fi

echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(date -u +%FT%TZ)"
printf '%-17s %8s %10s %7s %8s %6s %s\n' target minutes execs exec/s cov ft result
for name in "$@"; do
  row=$(echo "$TARGETS" | grep "^$name|" || true)
  if [ -z "$row" ]; then
    echo "unknown target: $name" >&2
    exit 2
  fi
  IFS='|' read -r _ module class method <<<"$row"
  log="$LOG_DIR/$name.log"
  start=$(date +%s)
  # One fuzz test per JVM (Jazzer refuses more); -am builds the reactor modules it depends on.
  # jazzer.max_duration overrides @FuzzTest(maxDuration); jazzer.internal.arg.N are libFuzzer's
  # argv (0 is the program name): -timeout is the per-input limit, so a hang becomes a finding.
  set +e
  # Only surefire's default execution: a module's extra executions (egress re-runs suites on the
  # NIO transport) would fuzz the same target a second time.
  JAZZER_FUZZ=1 nice -n "${NICE:-10}" ./mvnw -B $MVN_FLAGS -pl "$module" -am \
    test-compile surefire:test@default-test \
    -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_duration="${MINUTES}m" -Djazzer.keep_going="${KEEP_GOING:-20}" \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-timeout=10 \
    -Dspotless.check.skip=true >"$log" 2>&1
  rc=$?
  set -e
  secs=$(($(date +%s) - start))
  # libFuzzer status lines: "#123 NEW|REDUCE|pulse|DONE cov: N ft: N corp: ... exec/s: N rss: ..."
  # The DONE line ends the fuzzing run; without one (a crash without keep_going), the last status.
  last=$(grep -aE '^#[0-9]+[[:space:]]+DONE .*cov: [0-9]+.*exec/s: [0-9]+' "$log" | tail -1 || true)
  if [ -z "$last" ]; then
    last=$(grep -aE '^#[0-9]+.*cov: [0-9]+.*exec/s: [0-9]+' "$log" | tail -1 || true)
  fi
  execs=$(echo "$last" | sed -nE 's/^#([0-9]+).*/\1/p')
  eps=$(echo "$last" | sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p')
  cov=$(echo "$last" | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
  ft=$(echo "$last" | sed -nE 's/.*ft: ([0-9]+).*/\1/p')
  if [ "$rc" -eq 0 ]; then result=ok; else result="FAILED (rc=$rc, see $log)"; fi
  if grep -qaE '== Java Exception|FuzzTestFinding|Security Issue|timeout after' "$log"; then
    result="FINDING (see $log)"
  fi
  printf '%-17s %8s %10s %7s %8s %6s %s\n' "$name" "$((secs / 60)):$(printf %02d $((secs % 60)))" \
    "${execs:--}" "${eps:--}" "${cov:--}" "${ft:--}" "$result"
done
