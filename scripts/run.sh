#!/usr/bin/env bash
# The project's entry points on a fresh machine (README quick start, .ci/run): provisions the
# project's own Node.js and pnpm (scripts/bootstrap.sh), installs the workspace from the lockfile,
# then runs one of:
#   test   lint and format check, build, type checks, every test, packed-tarball checks
#   demo   the scripted demo scenario (`npm run demo -- --serve` keeps it running, with the dashboard)
#   bench         the benchmarks against opossum and cockatiel; writes BENCHMARKS.md
#   bench:detect  the detection-quality simulation against them; writes its section of BENCHMARKS.md
# A second run reuses .tools/, node_modules/ and turbo's cache, so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

task="${1:-}"
shift || true
case "$task" in
  test | demo | bench | bench:detect) ;;
  *)
    echo "usage: scripts/run.sh test|demo|bench|bench:detect" >&2
    exit 2
    ;;
esac

pnpm install --frozen-lockfile --reporter=silent

case "$task" in
  test)
    pnpm exec turbo run lint lint:root build typecheck test check:pkg --output-logs=errors-only
    ;;
  demo)
    pnpm exec turbo run build --filter='./apps/*...' --output-logs=errors-only
    pnpm --filter demo run demo "$@"
    ;;
  bench)
    pnpm exec turbo run bench --filter=@tripswitch/bench --output-logs=full --log-prefix=none
    ;;
  bench:detect)
    pnpm exec turbo run bench:detect --filter=@tripswitch/bench --output-logs=full --log-prefix=none
    ;;
esac
