#!/usr/bin/env bash
# Debian packages the tests need, installed by .ci/run before the tests. Idempotent and quiet:
# does nothing when everything is present. Chromium drives the graph page tests (test/browser/).
set -euo pipefail

packages=(chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    # The tests that need them fail under CI=true naming what is missing.
    echo "apt-packages: not root and no sudo; install ${missing[*]} yourself" >&2
    exit 0
  fi
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "apt-packages: installed ${missing[*]}"
