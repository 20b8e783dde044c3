#!/usr/bin/env bash
# Lays out the extension exactly as its .vsix holds it (manifest, dist/, media/, README, LICENSE)
# in DIR, for installing unpacked. Expects a build in dist/ (node esbuild.mjs).
#   scripts/stage-extension.sh DIR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:?usage: stage-extension.sh DIR}"
[ -f "$ROOT/dist/extension.js" ] || { echo "dist/extension.js missing: run node esbuild.mjs" >&2; exit 1; }
rm -rf "$DIR"
mkdir -p "$DIR"
cp "$ROOT/package.json" "$DIR/"
for f in README.md LICENSE CHANGELOG.md; do [ ! -f "$ROOT/$f" ] || cp "$ROOT/$f" "$DIR/"; done
mkdir -p "$DIR/dist"
cp "$ROOT/dist/extension.js" "$DIR/dist/"
cp -r "$ROOT/dist/webview" "$ROOT/dist/codicons" "$DIR/dist/"
rm -f "$DIR"/dist/webview/*.map
cp -r "$ROOT/media" "$DIR/"
rm -rf "$DIR/media/screenshots"  # README pictures: not needed inside the package
echo "$DIR"
