#!/usr/bin/env bash
# Install and start a Docker engine from Debian packages on a bare Debian or
# Ubuntu machine, as root. Debian 12 takes Engine 26, Compose v2 and buildx
# from Debian 13 (trixie) through a source pinned at priority 100, so nothing
# else on the machine is upgraded. Safe to run again: each step checks first.
set -euo pipefail

log() { printf 'provision-engine: %s\n' "$*" >&2; }
fail() { log "$1"; log "Next: $2"; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "this script must run as root." \
  "install Docker Engine or Docker Desktop yourself (https://docs.docker.com/engine/install/)."
[[ -r /etc/os-release ]] || fail "cannot read /etc/os-release to find the distribution." \
  "install Docker Engine yourself (https://docs.docker.com/engine/install/)."
. /etc/os-release
case "${ID:-}" in debian | ubuntu) ;; *)
  fail "automatic set-up supports Debian and Ubuntu only, and this is '${ID:-unknown}'." \
    "install Docker Engine yourself (https://docs.docker.com/engine/install/)." ;;
esac

export DEBIAN_FRONTEND=noninteractive
# Ubuntu ships Compose v2 as docker-compose-v2; Debian 13 calls it docker-compose.
if [[ "$ID" == ubuntu ]]; then
  packages=(docker.io docker-buildx docker-compose-v2 containerd runc tini)
else
  packages=(docker.io docker-buildx docker-compose containerd runc tini)
fi
apt_target=()
if [[ "$ID" == debian && "${VERSION_ID:-}" == 12 ]]; then
  if [[ ! -f /etc/apt/sources.list.d/trixie.sources ]]; then
    log "adding Debian 13 (trixie) as a pinned source for Docker packages"
    cat >/etc/apt/sources.list.d/trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    cat >/etc/apt/preferences.d/trixie-pin <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  fi
  apt_target=(-t trixie)
fi

if ! command -v dockerd >/dev/null || ! docker compose version >/dev/null 2>&1 \
  || ! docker buildx version >/dev/null 2>&1; then
  log "installing ${packages[*]} (a few minutes)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_target[@]}" \
    "${packages[@]}" iptables ca-certificates >/dev/null
fi

if docker info >/dev/null 2>&1; then
  log "engine already running"
  exit 0
fi

# An engine killed uncleanly leaves a pid file and containerd shims behind,
# and dockerd then refuses to start.
for pidfile in /var/run/docker.pid /run/docker/containerd/containerd.pid; do
  if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "removing stale $pidfile"
    rm -f "$pidfile"
  fi
done
pkill -f containerd-shim 2>/dev/null || true

log "starting dockerd (log: /var/log/dockerd.log)"
nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "engine ready: $(docker version --format '{{.Server.Version}}')"
    exit 0
  fi
  sleep 1
done
tail -n 20 /var/log/dockerd.log >&2 || true
fail "dockerd did not answer within 60 s (last log lines above)." \
  "read /var/log/dockerd.log, fix the cause, and run this script again."
