#!/usr/bin/env bash
# Debian packages the tests need, installed by .ci/run before the tests. Idempotent and quiet:
# does nothing when everything is present. Chromium drives the graph page tests (test/browser/);
# python3 runs the generated Databricks launcher (test/unit/targets/launcher.test.ts and others).
set -euo pipefail

packages=(chromium python3)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  # -n: never wait for a password (npm run check calls this only when sudo needs none).
  if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
    # The tests that need them fail under CI=true naming what is missing.
    echo "apt-packages: not root and no password-less sudo; install ${missing[*]} yourself (sudo $0)" >&2
    exit 0
  fi
  sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "apt-packages: installed ${missing[*]}"
