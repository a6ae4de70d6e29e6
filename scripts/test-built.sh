#!/usr/bin/env bash
# Runs the tests of the package in the current directory on Node.js 22, the oldest Node the
# packages support, against their builds: the workspace packages and the package's own entry
# points resolve to dist/, as they do for users (vitest.shared.ts, TRIPSWITCH_TEST_BUILDS). The
# turbo task `test:node22` runs it after the builds; extra arguments go to `vitest run`.
# Node 22 comes from scripts/bootstrap.sh, which exports its path as TRIPSWITCH_NODE22.
set -euo pipefail
if [ ! -x "${TRIPSWITCH_NODE22:-}" ]; then
  echo "test-built: TRIPSWITCH_NODE22 is not set; source scripts/bootstrap.sh first (it provisions Node 22)" >&2
  exit 1
fi
# First on PATH, so that vitest, its workers and any `node` a test starts are Node 22.
PATH="$(dirname "$TRIPSWITCH_NODE22"):$PATH"
export PATH TRIPSWITCH_TEST_BUILDS=1
node --version
exec vitest run "$@"
