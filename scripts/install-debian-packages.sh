#!/usr/bin/env bash
# Installs the Debian packages the real-server tests and the benchmarks use (see README).
# Safe to run again: it does nothing when every tool is already there. Needs root.
set -euo pipefail
packages=(xrdp freerdp2-x11 freerdp2-shadow-x11 xvfb faketime openssl iptables iproute2 nmap sslscan tshark libevtx-utils prometheus prometheus-blackbox-exporter time)
binaries=(xrdp xfreerdp freerdp-shadow-cli Xvfb faketime openssl iptables ip nmap sslscan tshark evtxexport prometheus promtool prometheus-blackbox-exporter /usr/bin/time)
missing=0
for binary in "${binaries[@]}"; do
  command -v "$binary" >/dev/null 2>&1 || missing=1
done
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-debian-packages: run as root (or with sudo) to install: ${packages[*]}" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# tshark asks whether non-root users may capture; preseed the default answer.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
