#!/usr/bin/env bash
# Builds the broker and egress proxy images as OCI tarballs with Jib (no Docker daemon, no
# registry), after building the modules they package. deploy/README.md explains the options.
#   deploy/images/build.sh                       both, offline base -> deploy/target/images/*.tar
#   deploy/images/build.sh broker                one of them
#   deploy/images/build.sh --base gcr.io/distroless/java17-debian12:nonroot --java /usr/bin/java
#   deploy/images/build.sh --load                also `podman load` them (PODMAN overrides podman)
# IMAGES_SKIP_BUILD=1 skips the Maven build.
set -euo pipefail
cd "$(dirname "$0")/../.."
load=0
args=()
for a in "$@"; do
  if [ "$a" = --load ]; then load=1; else args+=("$a"); fi
done
if [ "${IMAGES_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q package -pl broker,egress,deploy -am -DskipTests -Djazzer.skip
fi
CP="deploy/target/classes:$(cat deploy/target/runtime.classpath)"
java -cp "$CP" dev.agentbroker.deploy.images.ImageBuild "${args[@]}"
if [ "$load" = 1 ]; then
  for tar in deploy/target/images/agent-*.tar; do
    ${PODMAN:-podman} load -i "$tar"
  done
fi
