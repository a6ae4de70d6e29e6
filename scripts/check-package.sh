#!/usr/bin/env bash
# Checks a package as users receive it: packs the tarball, then runs publint and
# are-the-types-wrong on that tarball. Run from the package's directory (turbo task check:pkg).
set -euo pipefail
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
pnpm pack --pack-destination "$out" >/dev/null
tarball="$(ls "$out"/*.tgz)"
pnpm exec publint run "$tarball" --strict
pnpm exec attw "$tarball" --profile node16 --format ascii
