#!/bin/sh
# Build the images the Compose stack needs from Debian's own packages, for a host that reaches
# Debian's mirror and PyPI but not Docker Hub (deploy/README.md, "Without Docker Hub"):
#   tideline/bookworm-base   debootstrap --variant=minbase bookworm, imported with `docker import`
#   tideline/postgres:15     Debian's postgresql-15 on it   (deploy/postgres.Dockerfile)
#   tideline/redis:7         Debian's redis-server 7 on it  (deploy/redis.Dockerfile)
# The Tideline image itself is then built FROM tideline/bookworm-base by compose, with
# TIDELINE_PYTHON_IMAGE=tideline/bookworm-base in deploy/.env (Debian's python3 is 3.11).
#
# usage (as root, from the repository): deploy/offline-base.sh [--mirror URL] [--ca-file FILE] [--keep]
#   --mirror   Debian mirror (default: the first Debian URI in /etc/apt/sources.list*, else deb.debian.org)
#   --ca-file  a CA bundle the image must trust too (a host whose HTTPS goes through an inspecting
#              proxy: pass /etc/ssl/certs/ca-certificates.crt so pip inside the build reaches PyPI)
#   --keep     keep the root file system (default: deleted after the import)
# Needs: debootstrap, docker. The root file system is built under ${TIDELINE_ROOTFS:-/var/tmp/tideline-bookworm}.
set -eu
cd "$(dirname "$0")/.."
mirror="" ca_file="" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --mirror) mirror="$2"; shift 2 ;;
        --ca-file) ca_file="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -Eo 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ')
    mirror=${mirror:-http://deb.debian.org/debian}
fi
rootfs=${TIDELINE_ROOTFS:-/var/tmp/tideline-bookworm}
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap)" >&2; exit 1; }

if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
    echo "debootstrap bookworm from $mirror into $rootfs"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror"
fi
security=$(echo "$mirror" | sed 's#/debian/*$#/debian-security#')
cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
if [ -n "$ca_file" ]; then
    cp "$ca_file" "$rootfs/usr/local/share/ca-certificates/tideline-extra.crt"
    chroot "$rootfs" update-ca-certificates >/dev/null
fi
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin

echo "docker import → tideline/bookworm-base"
tar -C "$rootfs" -c . | docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' - tideline/bookworm-base
[ "$keep" = 1 ] || rm -rf "$rootfs"

docker build -f deploy/postgres.Dockerfile -t tideline/postgres:15 .
docker build -f deploy/redis.Dockerfile -t tideline/redis:7 .
docker image ls 'tideline/*'
echo "now set in deploy/.env: TIDELINE_PYTHON_IMAGE=tideline/bookworm-base TIDELINE_POSTGRES_IMAGE=tideline/postgres:15 TIDELINE_REDIS_IMAGE=tideline/redis:7"
