#!/usr/bin/env bash
# Builds the extension and packages it as a .vsix (the file users install).
#   scripts/package.sh [OUT.vsix]     (default: dynamo-workspace-<version>.vsix in the repo root)
# vsce needs Node >= 22: it runs on the Node 24 that scripts/e2e-setup.sh keeps in .vscode-e2e-cache.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
version="$(node -p 'require("./package.json").version')"
out="${1:-$ROOT/dynamo-workspace-$version.vsix}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
eval "$(bash scripts/e2e-setup.sh --packaging-only)"
[ -n "${E2E_SKIP_BUILD:-}" ] || node esbuild.mjs
stage="$(mktemp -d "${TMPDIR:-/tmp}/dw-package.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
bash scripts/stage-extension.sh "$stage/extension" >/dev/null
# vsce wants a repository (for README image links) and a LICENSE file; give it both explicitly
(
  cd "$stage/extension"
  [ -f LICENSE ] || printf 'MIT License\n\nCopyright (c) Dynamo Workspace contributors\n' >LICENSE
  PATH="$(dirname "$VSCODE_E2E_NODE"):$PATH" "$VSCODE_E2E_NODE" "$VSCODE_E2E_VSCE" package \
    --no-dependencies --allow-missing-repository --baseImagesUrl https://localhost/ --out "$out" >&2
)
echo "$out"
