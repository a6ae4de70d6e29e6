#!/usr/bin/env bash
# The project's entry points on a fresh machine (README quick start, .ci/run): provisions the
# project's own Node.js 24 and 22 and pnpm (scripts/bootstrap.sh) and the programs the tests run
# beside Node (scripts/system-packages.sh: redis-server, Chromium), installs the workspace from
# the lockfile, then runs one of:
#   test   lint and format check, build, type checks, every test, every package's tests again
#          on Node 22 against its build, packed-tarball checks (on Node 22 too); among the tests,
#          the READMEs' examples compiled against the builds and a publish dry run
#          (tools/release-checks), and the API reference built into docs/api/ (tools/api-docs)
#   demo   the scripted demo scenario (`npm run demo -- --serve` keeps it running, with the dashboard)
#   bench         the benchmarks against opossum and cockatiel; writes BENCHMARKS.md
#   bench:detect  the detection-quality simulation against them; writes its section of BENCHMARKS.md
#   bench:instructions  engine calls and server requests, in instructions, under valgrind (installed
#                 like redis-server); writes its section of BENCHMARKS.md
# Further arguments go to turbo for `test` (`npm test -- --force` ignores turbo's cache, as
# TURBO_FORCE=1 does) and to the demo for `demo`.
# A second run reuses .tools/, node_modules/ and turbo's cache, so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

task="${1:-}"
shift || true
case "$task" in
  test | demo | bench | bench:detect | bench:instructions) ;;
  *)
    echo "usage: scripts/run.sh test|demo|bench|bench:detect|bench:instructions" >&2
    exit 2
    ;;
esac

case "$task" in
  test) bash scripts/system-packages.sh redis-server chromium ;;
  bench) bash scripts/system-packages.sh redis-server ;;
  bench:instructions) bash scripts/system-packages.sh valgrind ;;
esac

pnpm install --frozen-lockfile --reporter=silent

case "$task" in
  test)
    pnpm exec turbo run lint lint:root build typecheck test test:node22 check:pkg \
      --output-logs=errors-only "$@"
    ;;
  demo)
    pnpm exec turbo run build --filter='./apps/*...' --output-logs=errors-only
    pnpm --filter demo run demo "$@"
    ;;
  bench)
    pnpm exec turbo run bench --filter=@tripswitch/bench --output-logs=full --log-prefix=none
    ;;
  bench:detect | bench:instructions)
    pnpm exec turbo run "$task" --filter=@tripswitch/bench --output-logs=full --log-prefix=none
    ;;
esac
