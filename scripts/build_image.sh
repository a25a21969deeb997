#!/usr/bin/env bash
# Builds the Dockerfile with Debian's buildah on a machine that reaches Debian's mirror and PyPI but no container
# registry, then checks the image: it refuses to start without a key, and with one it serves /healthz and a query
# with 2 workers as uid 10001 and exits 0 on SIGTERM. .ci/run runs it beside the tests (decision 0048).
#
#   bash scripts/build_image.sh          (as root; installs buildah and debootstrap if they are missing)
#
# python:3.11-slim-bookworm cannot be pulled there, so a stand-in base is made from Debian's own packages
# (debootstrap: bookworm's python3 is 3.11 too) and given as BASE. The stand-in's file system is kept as a tar
# in ZHTJ_IMAGE_CACHE (/var/cache/zhtj-ci), named by the suite and the package list and made anew after
# ZHTJ_IMAGE_CACHE_DAYS (14) days, so only the first run on a machine downloads it. Each run has its own
# container storage (vfs; RUN steps use chroot isolation: no daemon, overlay or user namespaces), removed at
# the end. A network step (debootstrap, the build's pip) that fails is tried once more.
# Where a registry is reachable, plain `docker build -t zhtj .` or `buildah bud -t zhtj .` builds on the real base.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

SUITE=bookworm
PACKAGES=python3,python3-venv,python3-pip,python-is-python3,ca-certificates
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${ZHTJ_IMAGE_CACHE:-/var/cache/zhtj-ci}
BASE_TAR=$CACHE/base-$SUITE-$(sha256sum <<<"$PACKAGES" | head -c 8).tar
BASE=localhost/zhtj-base:$SUITE
IMAGE=localhost/zhtj:checked

command -v buildah >/dev/null && command -v debootstrap >/dev/null || {
  apt-get update -qq && apt-get install -y -qq buildah debootstrap >/dev/null; }

# Tries a network step once more after a pause (a mirror's or PyPI's hiccup).
retry() { "$@" || { echo "!! failed; once more in 20 s: $*" >&2; sleep 20; "$@"; }; }

WORK=$(mktemp -d /var/tmp/zhtj-image.XXXXXX)
bh() { buildah --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs "$@"; }
ctr=
# debootstrap mounts /proc (in a container, more) inside its target and unmounts it at its end, which a busy file
# system can refuse: whatever is still mounted under a directory is unmounted before it is read or removed, and
# removing never crosses into another file system.
unmount_under() { findmnt -rn -o TARGET | awk -v d="$1/" 'index($0, d) == 1' | sort -r | xargs -r -n 1 umount -l; }
remove() { unmount_under "$1"; rm -rf --one-file-system "$1"; }
cleanup() {
  [ -z "$ctr" ] || bh rm "$ctr" >/dev/null 2>&1 || true
  remove "$WORK"
  rm -f "$BASE_TAR.$$"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

debootstrap_to() {
  remove "$1"
  if debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$1" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
    unmount_under "$1"
  else
    unmount_under "$1"; tail -n 20 "$WORK/debootstrap.log" >&2; return 1
  fi
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9  # one maker of the cache at a time; the others wait and use it
if [ -z "$(find "$BASE_TAR" -mtime -"${ZHTJ_IMAGE_CACHE_DAYS:-14}" 2>/dev/null)" ]; then
  step "debootstrap $SUITE into $BASE_TAR"
  retry debootstrap_to "$WORK/rootfs"
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  [ -x "$WORK/rootfs/usr/bin/python3" ] || { echo "error: debootstrap left no python3" >&2; exit 1; }
  tar --one-file-system -C "$WORK/rootfs" -cf "$BASE_TAR.$$" .
  mv "$BASE_TAR.$$" "$BASE_TAR"
  remove "$WORK/rootfs"
else
  step "stand-in base from the cache ($BASE_TAR)"
fi
exec 9>&-

ctr=$(bh from scratch)
tar -C "$(bh mount "$ctr")" -xf "$BASE_TAR"
# This machine's certificate authorities: PyPI may be reached through a TLS proxy that only they trust.
cp /etc/ssl/certs/ca-certificates.crt "$(bh mount "$ctr")/etc/ssl/certs/ca-certificates.crt"
bh umount "$ctr" >/dev/null
bh config --env PIP_CERT=/etc/ssl/certs/ca-certificates.crt "$ctr"
bh commit --rm -q "$ctr" "$BASE" >/dev/null
ctr=

step "buildah bud"
build() { bh bud --format docker --isolation chroot --layers=false --pull=false --build-arg BASE="$BASE" -t "$IMAGE" .; }
retry build
step "built: $(bh images --format '{{.Size}}' "$IMAGE"), storage $(du -sh "$WORK/storage" | cut -f1)"

step "the image refuses to start without ZHTJ_SECRET_KEY"
ctr=$(bh from "$IMAGE")
said=$(bh run --isolation chroot "$ctr" -- zhtj serve 2>&1 || true)
grep -q "ZHTJ_SECRET_KEY is not set" <<<"$said" || { echo "error: the image started without a key: $said" >&2; exit 1; }

step "with a key it serves /healthz and a query with 2 workers as uid 10001, and exits 0 on SIGTERM"
# RUN isolation is chroot: the check shares the machine's network, so it takes a port nobody holds.
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
bh run --isolation chroot --env ZHTJ_SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" "$ctr" -- \
  python - "$PORT" <<'PY'
import json, os, signal, subprocess, sys, time, urllib.request
port = sys.argv[1]
assert os.getuid() == 10001, os.getuid()
server = subprocess.Popen(["zhtj", "serve", "--host", "127.0.0.1", "--port", port, "--workers", "2"])
try:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    ask = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", headers={"content-type": "application/json"},
                                 data=json.dumps({"query": "{ valueLists { domains } }"}).encode())
    assert json.loads(urllib.request.urlopen(ask, timeout=10).read())["data"]["valueLists"]["domains"]
finally:
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=60) == 0
print("image ok")
PY
step "image built and checked; its storage is removed"
