#!/usr/bin/env bash
# The tests, with what they need: installs what is missing (Debian: chromium, nodejs, npm, postgresql; npm:
# the real SDKs into artifacts/node), then runs `dotnet test Segment.Functions.sln -c Release "$@"`.
# Extra arguments go to dotnet test (CI passes --no-build and a TRX logger).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
# The PostgreSQL tests start their own throwaway server from these binaries (initdb, pg_ctl) on a free
# loopback port; the cluster the package may create and start for itself (port 5432) is not used.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them (sudo apt-get install -y ${missing[*]}) and run again." >&2
    exit 1
  fi
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi

# The SDKs the tests drive, pinned; npm skips what is already installed at that version.
packages=(@segment/analytics-node@3.1.0 @segment/analytics-next@1.84.3 @rudderstack/rudder-sdk-node@3.0.13)
need_install=0
for package in "${packages[@]}"; do
  name="${package%@*}"
  version="${package##*@}"
  manifest="artifacts/node/node_modules/$name/package.json"
  if [ ! -f "$manifest" ] || ! grep -q "\"version\": \"$version\"" "$manifest"; then
    need_install=1
  fi
done
if [ "$need_install" -eq 1 ]; then
  mkdir -p artifacts/node
  npm install --prefix "$PWD/artifacts/node" --no-audit --no-fund "${packages[@]}"
fi

exec dotnet test Segment.Functions.sln -c Release "$@"
