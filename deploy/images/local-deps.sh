#!/usr/bin/env bash
# Stand-ins for the registry images the compose stack uses, for machines that reach no container
# registry: Redis and HAProxy built from this machine's Debian binaries (the binary, the shared
# libraries `ldd` names, an /etc/passwd with uid 10001) and imported into podman. Needs
# redis-server and haproxy installed (apt-get install redis-server haproxy).
#   deploy/images/local-deps.sh            -> localhost/redis:local, localhost/haproxy:local
# Then: REDIS_IMAGE=localhost/redis:local PROXY_IMAGE=localhost/haproxy:local podman-compose up
# PODMAN overrides the podman command (e.g. "podman --root DIR --runroot DIR").
set -euo pipefail
PODMAN=${PODMAN:-podman}

image() { # TAG BINARY [--change …]
  local tag=$1 bin=$2 root lib
  shift 2
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/etc" "$root/tmp" "$root/run"
  chmod 1777 "$root/tmp" "$root/run"
  install -D -m 755 "$bin" "$root$bin"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/sbin/nologin\nservice:x:10001:10001::/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nservice:x:10001:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  tar -C "$root" -c . | $PODMAN import -q --change "USER=10001:10001" \
    --change "ENV=PATH=/usr/local/bin:/usr/bin:/usr/sbin" "$@" - "$tag" >/dev/null
  echo "$tag"
}

image localhost/redis:local "$(command -v redis-server)" --change 'CMD=["redis-server"]'
image localhost/haproxy:local "$(command -v haproxy)" \
  --change 'CMD=["haproxy","-f","/usr/local/etc/haproxy/haproxy.cfg"]'
