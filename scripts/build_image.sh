#!/usr/bin/env bash
# Builds the Dockerfile with Debian's buildah on a machine that reaches Debian's mirror and PyPI but no container
# registry, then checks the image: it refuses to start without a key, and with one it serves as uid 10001.
#
#   bash scripts/build_image.sh          (as root; installs buildah and debootstrap if they are missing)
#
# python:3.11-slim-bookworm cannot be pulled there, so a stand-in base is made from Debian's own packages
# (debootstrap: bookworm's python3 is 3.11 too) and given as BASE. Where a registry is reachable, plain
# `docker build -t zhtj .` or `buildah bud -t zhtj .` builds on the real base. Storage is vfs and RUN steps use
# chroot isolation: no overlay or user namespaces are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export STORAGE_DRIVER=vfs
ROOTFS=${ROOTFS:-/var/tmp/zhtj-rootfs}
BASE=localhost/zhtj-base:bookworm
IMAGE=${IMAGE:-localhost/zhtj:latest}

command -v buildah >/dev/null && command -v debootstrap >/dev/null || {
  apt-get update -qq && apt-get install -y -qq buildah debootstrap >/dev/null; }

if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  [ -x "$ROOTFS/usr/bin/python" ] || debootstrap --variant=minbase \
    --include=python3,python3-venv,python3-pip,python-is-python3,ca-certificates bookworm "$ROOTFS" \
    http://deb.debian.org/debian
  # This machine's certificate authorities: PyPI may be reached through a TLS proxy that only they trust.
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  ctr=$(buildah from scratch)
  tar -C "$ROOTFS" -cf - . | tar -C "$(buildah mount "$ctr")" -xf -
  buildah umount "$ctr" >/dev/null
  buildah config --env PIP_CERT=/etc/ssl/certs/ca-certificates.crt "$ctr"
  buildah commit --rm -q "$ctr" "$BASE" >/dev/null
fi

buildah bud -q --isolation chroot --build-arg BASE="$BASE" -t "$IMAGE" .

echo "== the image refuses to start without ZHTJ_SECRET_KEY"
ctr=$(buildah from "$IMAGE")
trap 'buildah rm "$ctr" >/dev/null' EXIT
said=$(buildah run --isolation chroot "$ctr" -- zhtj serve 2>&1 || true)
grep -q "ZHTJ_SECRET_KEY is not set" <<<"$said" || { echo "error: the image started without a key: $said" >&2; exit 1; }

echo "== with a key it serves /healthz and a query as uid 10001, and stops on SIGTERM"
PORT=${PORT:-18765}
buildah run --isolation chroot --env ZHTJ_SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" "$ctr" -- \
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
