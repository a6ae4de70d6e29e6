#!/usr/bin/env bash
# Makes sure the programs the tests and benchmarks run beside Node are installed:
#   redis-server  the Redis tests and benchmarks start real servers (Debian package redis-server)
#   chromium      the dashboard's browser tests drive it (Debian package chromium)
#   valgrind      `npm run bench:instructions` counts instructions with it (Debian package valgrind)
# Usage: scripts/system-packages.sh [program ...]   (all of them by default)
# Nothing to do when they are on PATH. Otherwise, as root on a machine with apt-get, it runs
# `apt-get update` once and installs the missing packages, one installer at a time (two at once
# would collide on the dpkg lock); elsewhere it prints the command to run and fails.
# scripts/run.sh calls it for `npm test` and `npm run bench`; the tests themselves never install
# anything, and stop at once, naming this script, when a program is missing.
set -euo pipefail

# The Debian package of each program.
debian_package() {
  case "$1" in
    redis-server) echo redis-server ;;
    chromium) echo chromium ;;
    valgrind) echo valgrind ;;
    *)
      echo "system-packages: no package known for '$1' (known: redis-server, chromium, valgrind)" >&2
      return 1
      ;;
  esac
}

missing_programs() {
  local program
  for program in "$@"; do
    command -v "$program" >/dev/null || echo "$program"
  done
}

programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then programs=(redis-server chromium); fi

missing=()
for program in $(missing_programs "${programs[@]}"); do missing+=("$program"); done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

packages=()
for program in "${missing[@]}"; do packages+=("$(debian_package "$program")"); done

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-packages: ${missing[*]} not on PATH; the tests need a real one. Install:" >&2
  if command -v apt-get >/dev/null; then
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
  else
    echo "  ${packages[*]} (Debian/Ubuntu package names) with your system's package manager;" >&2
    echo "  on macOS: brew install redis, brew install --cask chromium" >&2
  fi
  exit 1
fi

lock_dir=/var/lock
if [ ! -w "$lock_dir" ]; then lock_dir="${TMPDIR:-/tmp}"; fi
(
  if command -v flock >/dev/null; then flock 9; fi
  # Another run may have installed them while this one waited for the lock.
  still=()
  for program in $(missing_programs "${missing[@]}"); do still+=("$(debian_package "$program")"); done
  if [ ${#still[@]} -eq 0 ]; then exit 0; fi
  echo "system-packages: installing ${still[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  # DPkg::Lock::Timeout waits for an apt or dpkg that is not ours instead of failing at once.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${still[@]}"
) 9>>"$lock_dir/tripswitch-system-packages.lock"

left=$(missing_programs "${missing[@]}")
if [ -n "$left" ]; then
  echo "system-packages: apt-get finished, but $left is still not on PATH" >&2
  exit 1
fi
