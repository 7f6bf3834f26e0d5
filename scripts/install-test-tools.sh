#!/usr/bin/env bash
# Installs the system tools the test suite needs on a Debian/Ubuntu machine:
#   faketime     (libfaketime, to step the clock of a running server)
#   etcd-server  (real etcd servers for the cluster tests)
#   etcd-client  (etcdctl: the backup and restore procedures of docs/operations.md, test/deploy/procedures.test.ts)
#   curl         (the procedures' readiness checks)
#   systemd      (systemd-analyze verify, for the unit file test)
#   strace       (checks the installed service against the unit's system call filter)
#   openssl      (certificates for the etcd TLS test)
#   tzdata       (its ISO 3166 table checks the list of country codes)
#   iproute2, iptables, haproxy, nginx
#                (the lab, test/lab/: hosts in network namespaces, faults as
#                iptables rules, the load balancers of docs/deploying.md)
#   podman, runc (build and run the Dockerfile's image; runc because crun fails on this kernel's cgroups)
#   debootstrap  (the offline stand-in for the image's base, node:20-bookworm-slim)
#   spin, gcc    (the model checker and the C compiler for its verifiers: test/model/)
#   prometheus   (promtool, and a real Prometheus to scrape the service: test/deploy/monitoring.test.ts)
#   chromium     (headless, draws the lab's SVG timeline: test/unit/labChecker.test.ts, test/lab/lab.test.ts)
# Run as root, or with sudo available. Anything missing that cannot be
# installed stops here with a message, so no test is skipped silently.
set -euo pipefail

packages=()
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1 ] || packages+=(faketime)
command -v etcd >/dev/null 2>&1 || packages+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || packages+=(etcd-client)
command -v curl >/dev/null 2>&1 || packages+=(curl)
command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)
command -v strace >/dev/null 2>&1 || packages+=(strace)
command -v openssl >/dev/null 2>&1 || packages+=(openssl)
[ -e /usr/share/zoneinfo/iso3166.tab ] || packages+=(tzdata)
# /usr/sbin is not on every PATH.
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
has ip || packages+=(iproute2)
has iptables || packages+=(iptables)
has haproxy || packages+=(haproxy)
has nginx || packages+=(nginx)
command -v podman >/dev/null 2>&1 || packages+=(podman)
command -v runc >/dev/null 2>&1 || packages+=(runc)
command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
command -v spin >/dev/null 2>&1 || packages+=(spin)
command -v gcc >/dev/null 2>&1 || packages+=(gcc)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || packages+=(prometheus)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || packages+=(chromium)

if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-test-tools: everything is installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-tools: missing ${packages[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "install-test-tools: missing ${packages[*]}; run: sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi
echo "install-test-tools: installing ${packages[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}"
