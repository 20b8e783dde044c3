#!/usr/bin/env bash
# Prepares everything the end-to-end tests need, and does nothing when it is already there.
#
#   scripts/e2e-setup.sh [--packaging-only] [CACHE_DIR]
#
# --packaging-only: just Node 24 and vsce (what scripts/package.sh needs), no browser, no code-server.
# CACHE_DIR: $VSCODE_E2E_CACHE, else <repo>/.vscode-e2e-cache (git-ignored).
# Installs
#   * Debian packages when missing: chromium (driven by playwright-core) and libkrb5-dev
#     (headers for code-server's native kerberos module); build tools if absent.
#   * Node 24 from the npm package node-linux-<arch> (code-server >= 4.133 runs on Node 24 only;
#     the package also carries the headers node-gyp needs, so nothing is fetched from elsewhere).
#   * code-server from npm, with its native modules compiled against those Node 24 headers.
#   * @vscode/vsce (packages the .vsix; it needs Node >= 22, hence the Node 24 above).
# Writes CACHE_DIR/env.sh (sourced by scripts/vscode-server.sh and test/e2e/run.sh) and prints
# VSCODE_E2E_CACHE=<dir> on stdout. Everything else goes to stderr.
# Override versions with CODE_SERVER_VERSION / E2E_NODE_VERSION.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGING_ONLY=""
if [ "${1:-}" = --packaging-only ]; then PACKAGING_ONLY=1; shift; fi
CACHE="${1:-${VSCODE_E2E_CACHE:-$ROOT/.vscode-e2e-cache}}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_VERSION="${E2E_NODE_VERSION:-24.21.0}"
VSCE_VERSION="${VSCE_VERSION:-4.1.0}"
say() { echo "[e2e-setup] $*" >&2; }

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) say "unsupported machine $(uname -m)"; exit 1 ;;
esac

# 1. Debian packages ------------------------------------------------------------------------
missing=()
if [ -z "$PACKAGING_ONLY" ]; then
for pkg in chromium libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
command -v make >/dev/null && command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  as_root=""; [ "$(id -u)" = 0 ] || as_root=sudo
  # say what is installed system-wide, and why, before doing it
  say "installing Debian packages${as_root:+ with sudo}: ${missing[*]}"
  for pkg in "${missing[@]}"; do
    case "$pkg" in
      chromium) say "  chromium: the browser the UI tests (and npm start without desktop VS Code) drive headless" ;;
      libkrb5-dev) say "  libkrb5-dev: headers code-server's native kerberos module is compiled against" ;;
      build-essential) say "  build-essential: make and g++, to compile code-server's native modules" ;;
      python3) say "  python3: node-gyp needs it to build native modules" ;;
    esac
  done
  $as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
fi

npm_quiet=(--no-save --no-package-lock --no-audit --no-fund --loglevel=error)

# 2. Node 24 (binary + headers) from the npm registry ----------------------------------------
NODE_HOME="$CACHE/node-$NODE_VERSION/node_modules/node-linux-$ARCH"
if [ ! -x "$NODE_HOME/bin/node" ] || [ ! -f "$NODE_HOME/include/node/node_version.h" ]; then
  say "installing node-linux-$ARCH@$NODE_VERSION"
  rm -rf "$CACHE/node-$NODE_VERSION"
  mkdir -p "$CACHE/node-$NODE_VERSION"
  echo '{"name":"e2e-node","private":true}' >"$CACHE/node-$NODE_VERSION/package.json"
  (cd "$CACHE/node-$NODE_VERSION" && npm install "${npm_quiet[@]}" "node-linux-$ARCH@$NODE_VERSION" >&2)
fi
NODE24="$NODE_HOME/bin/node"

# 3. vsce -----------------------------------------------------------------------------------
TOOLS="$CACHE/tools"
if [ "$("$NODE24" -p "try{require('$TOOLS/node_modules/@vscode/vsce/package.json').version}catch{''}")" != "$VSCE_VERSION" ]; then
  say "installing @vscode/vsce@$VSCE_VERSION"
  mkdir -p "$TOOLS"
  echo '{"name":"e2e-tools","private":true}' >"$TOOLS/package.json"
  (cd "$TOOLS" && PATH="$NODE_HOME/bin:$PATH" npm install "${npm_quiet[@]}" "@vscode/vsce@$VSCE_VERSION" >&2)
fi
VSCE="$TOOLS/node_modules/@vscode/vsce/vsce"
if [ -n "$PACKAGING_ONLY" ]; then
  printf 'VSCODE_E2E_CACHE=%q\nVSCODE_E2E_NODE=%q\nVSCODE_E2E_VSCE=%q\n' "$CACHE" "$NODE24" "$VSCE"
  exit 0
fi

# 4. code-server, native modules built for Node 24 ------------------------------------------
CS_HOME="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_PKG="$CS_HOME/node_modules/code-server"
if [ ! -f "$CS_HOME/.complete" ]; then
  say "installing code-server@$CODE_SERVER_VERSION (compiles native modules; a few minutes on 2 cores)"
  rm -rf "$CS_HOME"
  mkdir -p "$CS_HOME"
  echo '{"name":"e2e-code-server","private":true}' >"$CS_HOME/package.json"
  (
    # npm itself runs under Node 24 here (its shebang resolves `node` on PATH). Install scripts
    # are skipped and code-server's postinstall is run by hand: it insists on a Node 24 user
    # agent, then installs lib/vscode's production deps. nodedir makes node-gyp use the headers
    # shipped in node-linux-*, build_from_source keeps prebuild-install from going online.
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME" npm_config_build_from_source=true
    cd "$CS_HOME"
    npm install "${npm_quiet[@]}" --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
    cd "$CS_PKG"
    npm_config_user_agent="npm/$(npm -v) node/$("$NODE24" -v) linux $ARCH workspaces/false" sh ./postinstall.sh >&2
  )
  tmp_xdg="$(mktemp -d)"
  XDG_CONFIG_HOME="$tmp_xdg" XDG_DATA_HOME="$tmp_xdg" XDG_CACHE_HOME="$tmp_xdg" \
    "$NODE24" "$CS_PKG/out/node/entry.js" --version >&2
  rm -rf "$tmp_xdg"
  touch "$CS_HOME/.complete"
fi

CHROMIUM="$(command -v chromium || echo /usr/bin/chromium)"
cat >"$CACHE/env.sh" <<ENV
# generated by scripts/e2e-setup.sh
VSCODE_E2E_CACHE='$CACHE'
VSCODE_E2E_NODE='$NODE24'
VSCODE_E2E_CODE_SERVER='$CS_PKG/out/node/entry.js'
VSCODE_E2E_CHROMIUM='$CHROMIUM'
VSCODE_E2E_VSCE='$VSCE'
ENV
say "ready: code-server $CODE_SERVER_VERSION on node $("$NODE24" -v), $("$CHROMIUM" --version 2>/dev/null | head -1)"
printf 'VSCODE_E2E_CACHE=%q\n' "$CACHE"
