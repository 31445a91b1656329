#!/usr/bin/env bash
# Launcher benchmark (not a test; prints tables for docs/performance.md):
#  1. launch-to-first-instruction of `agent run` per runtime (bwrap, podman) against the bare
#     runtime with the same isolation, interleaved in the same run: time from invoking the command
#     to the sandbox's first instruction (`date +%s%N`), and the whole run to exit;
#  2. the run's credential helper `get` inside a sandbox: warm (token reused) against a bare
#     request to the same endpoint (404 path) and against a `get` that must mint.
# The broker's share (explain + mint, from the run's end line) is reported separately: the aim is
# about what the launcher adds beyond it.
# Usage, as root: bench/agent-bench.sh [iterations]
#   needs bwrap, podman + runc, nft, hyperfine, curl (apt-get install bubblewrap podman runc nftables hyperfine curl debootstrap)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20}"
for c in bwrap podman runc nft hyperfine curl setpriv; do command -v "$c" >/dev/null || { echo "$c missing" >&2; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, cgroups)" >&2; exit 2; }
./mvnw -B -q install -DskipTests
./mvnw -B -q -pl testkit dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
WORK="$(mktemp -d /tmp/agent-bench.XXXXXX)"; chmod 711 "$WORK"   # uid 1000 must reach the workspace
PORT=18095
cleanup() { kill "${DEMO_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; podman --root "$WORK/pod/root" --runroot "$WORK/pod/runroot" system reset --force >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

export DEMO_EGRESS_CLASSPATH="$PWD/egress/target/classes:$(cat egress/target/runtime.classpath)"
java -cp "testkit/target/classes:$(cat testkit/target/classpath.txt)" dev.agentbroker.testkit.demo.DemoMain \
  broker/target/quarkus-app/quarkus-run.jar "$WORK/demo" "$PORT" --bench > "$WORK/demo.out" 2>&1 &
DEMO_PID=$!
for _ in $(seq 1 120); do grep -q READY "$WORK/demo.out" 2>/dev/null && break; sleep 0.5; done
grep -q READY "$WORK/demo.out" || { cat "$WORK/demo.out"; exit 1; }
# shellcheck disable=SC1091
. "$WORK/demo/agent.env"
./agent --version >/dev/null   # builds the CLI and its class-data-sharing archive

# The agent image on a debootstrap base (cached like the tests do).
BASE=/var/cache/agent-broker-tests/agent-base-bookworm.tar
if [ ! -f "$BASE" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap missing" >&2; exit 2; }
  R="$WORK/base"; debootstrap --variant=minbase --include=git,curl,ca-certificates bookworm "$R" http://deb.debian.org/debian >/dev/null
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/*; mkdir -p "$(dirname "$BASE")"; tar -C "$R" -cf "$BASE" .; rm -rf "$R"
fi
mkdir -p "$WORK/pod/root" "$WORK/pod/runroot"
P=(podman --root "$WORK/pod/root" --runroot "$WORK/pod/runroot" --runtime runc)
"${P[@]}" import "$BASE" localhost/agent-base:bookworm >/dev/null 2>&1
"${P[@]}" build -q --network none --build-arg BASE=localhost/agent-base:bookworm -t localhost/agent-sandbox:bench \
  -f sandbox-runner/image/Containerfile sandbox-runner/image >/dev/null
export AGENT_PODMAN_ROOT="$WORK/pod/root" AGENT_PODMAN_RUNROOT="$WORK/pod/runroot" AGENT_IMAGE=localhost/agent-sandbox:bench

FIRST='date +%s%N'
now() { date +%s%N; }
# Bare runtimes with the same isolation the launcher asks for (no namespace set-up, no broker).
bare_bwrap() {
  setpriv --ruid=1000 --rgid=1000 --clear-groups -- \
    bwrap --unshare-pid --unshare-ipc --unshare-uts --unshare-net --die-with-parent --new-session \
    --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib \
    --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp --perms 0700 --tmpfs /workspace \
    --perms 0700 --tmpfs /home/agent --remount-ro / --chdir /workspace --cap-drop ALL -- /bin/sh -c "$FIRST"
}
bare_podman() {
  "${P[@]}" run --rm --init --read-only --cap-drop all --security-opt no-new-privileges --user 1000:1000 \
    --network none --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --memory 4g --cpus 2 --pids-limit 512 \
    --tmpfs /workspace:rw,size=1g,mode=0700,U --tmpfs /home/agent:rw,size=1g,mode=0700,U localhost/agent-sandbox:bench sh -c "$FIRST"
}
agent_run() { ./agent run --runtime "$1" --repo acme/svc-a -- sh -c "$FIRST" 2>"$WORK/agent.err"; }
# One sample: "<first-instruction ms> <total ms> <broker ms> <setup ms>"
sample() {
  local t0 out t1
  t0=$(now); out=$("$@" | tail -1); t1=$(now)
  local broker=0 setup=0
  if [ "$1" = agent_run ]; then
    broker=$(grep 'outcome=exited' "$WORK/agent.err" | sed -E 's/.*explain_ms=([0-9]+).*mint_ms=([0-9]+).*/\1 \2/' | awk '{print $1+$2}')
    setup=$(grep 'outcome=exited' "$WORK/agent.err" | sed -E 's/.*setup_ms=([0-9]+).*/\1/')
  fi
  echo "$(( (out - t0) / 1000000 )) $(( (t1 - t0) / 1000000 )) $broker $setup"
}
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
for kind in bare_bwrap agent_bwrap bare_podman agent_podman; do : > "$WORK/$kind"; done
echo "warm-up (2 of each, not recorded)…" >&2
for _ in 1 2; do bare_bwrap >/dev/null; agent_run bwrap >/dev/null; bare_podman >/dev/null; agent_run podman >/dev/null; done
echo "measuring $N interleaved rounds…" >&2
for _ in $(seq 1 "$N"); do
  sample bare_bwrap >> "$WORK/bare_bwrap"
  sample agent_run bwrap >> "$WORK/agent_bwrap"
  sample bare_podman >> "$WORK/bare_podman"
  sample agent_run podman >> "$WORK/agent_podman"
done
col() { awk -v c="$2" '{print $c}' "$WORK/$1" | median; }
echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB; $(java -version 2>&1 | head -1); bwrap $(bwrap --version | cut -d' ' -f2), podman $(podman --version | cut -d' ' -f3); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\n| runtime | bare: first instruction ms | agent: first instruction ms | agent: broker (explain+mint) ms | added by the launcher, excl. broker ms | of which sandbox set-up (netns, nft, endpoint, cgroups) ms | ratio agent/bare | bare: whole run ms | agent: whole run ms |\n|---|---|---|---|---|---|---|---|---|\n'
for rt in bwrap podman; do
  bf=$(col "bare_$rt" 1); af=$(col "agent_$rt" 1); ab=$(col "agent_$rt" 3); as=$(col "agent_$rt" 4); bt=$(col "bare_$rt" 2); at=$(col "agent_$rt" 2)
  printf '| %s | %s | %s | %s | %s | %s | %.1f× | %s | %s |\n' "$rt" "$bf" "$af" "$ab" "$(echo "$af - $bf - $ab" | bc)" "$as" "$(echo "$af / $bf" | bc -l)" "$bt" "$at"
done
# A bare JVM of the same classpath printing its version: the floor of any Java launcher.
: > "$WORK/jvm"; for _ in $(seq 1 "$N"); do t0=$(now); AGENT_SKIP_BUILD=1 ./agent --version >/dev/null; echo $(( ($(now) - t0) / 1000000 )) >> "$WORK/jvm"; done
echo; echo "\`./agent --version\` (JVM start + CLI parsing, no work): median $(median < "$WORK/jvm") ms"

# 2. The credential helper's get, measured inside a bwrap sandbox by hyperfine (host /usr is bound).
WS="$WORK/ws"; mkdir -p "$WS"; chmod 777 "$WS"
cat > "$WS/bench.sh" <<SH
#!/bin/sh
set -e
printf 'protocol=https\nhost=$AGENT_GIT_HOST\npath=acme/svc-a.git\n\n' > /tmp/req
cat > /tmp/erase <<'X'
#!/bin/sh
printf 'protocol=https\nhost=$AGENT_GIT_HOST\npath=acme/svc-a.git\nusername=x-access-token\npassword=%s\n\n' "\$(agent-token)" | curl -s --noproxy '*' --data-binary @- "\$AGENT_CREDENTIAL_URL/git-credential/erase"
X
chmod +x /tmp/erase
U="\$AGENT_CREDENTIAL_URL"
hyperfine -N --style none --warmup 20 --runs 300 --export-csv /workspace/warm.csv \
  "curl -s --noproxy * --data-binary @/tmp/req \$U/git-credential/get" \
  "curl -s --noproxy * --data-binary @/tmp/req \$U/nothing" >/dev/null
hyperfine -N --style none --warmup 3 --runs 40 --prepare /tmp/erase --export-csv /workspace/mint.csv \
  "curl -s --noproxy * --data-binary @/tmp/req \$U/git-credential/get" >/dev/null
SH
chmod 755 "$WS/bench.sh"
./agent run -q --runtime bwrap --repo acme/svc-a --workspace "$WS" -- /workspace/bench.sh
ms() { awk -F, -v r="$2" 'NR==r+1{printf "%.2f", $4*1000}' "$WS/$1"; }  # median, seconds → ms
printf '\n| credential get (curl inside the sandbox) | median ms |\n|---|---|\n'
printf '| warm get (token reused) | %s |\n| same endpoint, 404 path (curl + HTTP floor) | %s |\n| get that mints (after erase) | %s |\n' \
  "$(ms warm.csv 1)" "$(ms warm.csv 2)" "$(ms mint.csv 1)"
printf '| warm get minus floor (the helper itself) | %.2f |\n' "$(echo "$(ms warm.csv 1) - $(ms warm.csv 2)" | bc -l)"
