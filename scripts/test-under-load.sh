#!/usr/bin/env bash
# Runs the README's test command (`npm test`, turbo's cache off) while one CPU-bound process per
# core keeps the machine busy, as a shared CI runner or a laptop building something else would.
# A test that races real time fails here. It also sets TRIPSWITCH_RECYCLE_PORTS=1: every server a
# test starts on port 0 takes the port its process closed last (vitest.recycle-ports.ts), so a
# test that depends on its port being new fails here too. Usage: scripts/test-under-load.sh [runs [turbo args]]
# Runs `runs` times in a row (1 by default) and stops at the first failure; further arguments go
# to turbo (`scripts/test-under-load.sh 1 --filter=@tripswitch/got` for one package, `--continue`
# to see every failure of a run). The busy processes
# are this script's children, stopped by their process ids when it exits however it exits; each
# also stops by itself if this script is gone.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-1}"
shift || true
case "$runs" in
  '' | *[!0-9]* | 0)
    echo "usage: scripts/test-under-load.sh [runs [turbo args]]   (runs: a whole number >= 1)" >&2
    exit 2
    ;;
esac

cores="$(nproc)"
burners=()
stop_burners() {
  if [ ${#burners[@]} -gt 0 ]; then
    kill "${burners[@]}" 2>/dev/null || true
    wait "${burners[@]}" 2>/dev/null || true
    burners=()
  fi
}
trap stop_burners EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

parent=$$
for _ in $(seq "$cores"); do
  # Pure CPU: a shell loop, checking every so often (kill -0 is a builtin) that the script lives.
  (
    trap - EXIT INT TERM
    while kill -0 "$parent" 2>/dev/null; do
      for ((i = 0; i < 200000; i++)); do :; done
    done
  ) &
  burners+=("$!")
done
echo "test-under-load: ${#burners[@]} CPU-bound processes (pids ${burners[*]}) beside npm test, ports recycled, $runs run(s)" >&2

for ((run = 1; run <= runs; run++)); do
  echo "test-under-load: run $run of $runs" >&2
  started=$SECONDS
  if ! TRIPSWITCH_RECYCLE_PORTS=1 TURBO_FORCE=1 npm test -- "$@"; then
    echo "test-under-load: run $run of $runs failed after $((SECONDS - started)) s" >&2
    exit 1
  fi
  echo "test-under-load: run $run of $runs passed in $((SECONDS - started)) s" >&2
done
echo "test-under-load: all $runs run(s) passed" >&2
