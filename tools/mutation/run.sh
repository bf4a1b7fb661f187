#!/usr/bin/env bash
# npm run test:mutation -- <acl|access|user-data|provider>: StrykerJS on one target (see stryker.config.mjs).
# Installs the mutation tools into tools/mutation/node_modules from their own lock file on first use.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
cd ../..
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(acl access user-data provider)
for target in "${targets[@]}"; do
  MUTATION_TARGET="$target" tools/mutation/node_modules/.bin/stryker run tools/mutation/stryker.config.mjs
done
