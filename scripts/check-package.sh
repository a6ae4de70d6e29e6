#!/usr/bin/env bash
# Checks a package as users receive it: packs the tarball, runs publint and are-the-types-wrong
# on it, then installs it beside the package (so that its dependencies and peers resolve from the
# package's node_modules) and loads every entry point with import() and require() on Node 22,
# the oldest Node the packages support. Run from the package's directory (turbo task check:pkg),
# with TRIPSWITCH_NODE22 set by scripts/bootstrap.sh.
set -euo pipefail
if [ ! -x "${TRIPSWITCH_NODE22:-}" ]; then
  echo "check-package: TRIPSWITCH_NODE22 is not set; source scripts/bootstrap.sh first (it provisions Node 22)" >&2
  exit 1
fi
out="$(mktemp -d)"
consumer=.pack
trap 'rm -rf "$out" "$consumer"' EXIT
pnpm pack --pack-destination "$out" >/dev/null
tarball="$(ls "$out"/*.tgz)"
pnpm exec publint run "$tarball" --strict
pnpm exec attw "$tarball" --profile node16 --format ascii

name="$(node -p 'require("./package.json").name')"
rm -rf "$consumer"
mkdir -p "$consumer/node_modules/$name"
tar -xzf "$tarball" -C "$consumer/node_modules/$name" --strip-components=1
# A package.json of its own, or the package's name would resolve to the package itself.
echo '{ "name": "packed-package-consumer", "private": true }' >"$consumer/package.json"
cp "$(dirname "$0")/load-packed-entries.mjs" "$consumer/"
"$TRIPSWITCH_NODE22" "$consumer/load-packed-entries.mjs" "$name"
