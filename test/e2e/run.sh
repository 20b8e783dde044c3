#!/usr/bin/env bash
# End-to-end tests of the extension in a real VS Code (code-server), headless:
#   1. scripts/e2e-setup.sh (idempotent: chromium, Node 24, code-server into .vscode-e2e-cache)
#   2. build: the extension, its webviews, the integration suite
#   3. unit tests of the shared protocol/webview logic (plain Node)
#   4. the mocha integration suite inside the real extension host
#   5. the Playwright UI scenarios against the extension installed from its .vsix,
#      screenshots in test-artifacts/e2e/
# Ends with "N passed, N failed" and exits non-zero if anything failed.
# Env: E2E_SKIP_BUILD=1 (reuse dist/), E2E_ONLY=unit|host|ui|ui-host|tree|capacity|timeline (ui: every scenario), E2E_KEEP=1 (keep server state dirs).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ARTIFACTS="$ROOT/test-artifacts/e2e"
ms() { echo $(($(date +%s%N) / 1000000)); }
phase() { echo "=== e2e: $*" >&2; }
timings=()
passed=0
failed=0
skipped=0
only="${E2E_ONLY:-}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dw-e2e.XXXXXX")"
STATE=""
cleanup() {
  if [ -n "$STATE" ]; then bash scripts/vscode-server.sh stop "$STATE" >/dev/null 2>&1 || true; fi
  [ -n "${E2E_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

t=$(ms)
eval "$(bash scripts/e2e-setup.sh)" || { echo "e2e setup failed" >&2; exit 1; }
export VSCODE_E2E_CACHE
# shellcheck disable=SC1091
. "$VSCODE_E2E_CACHE/env.sh"
export VSCODE_E2E_CHROMIUM
timings+=("setup $(($(ms) - t)) ms")

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  t=$(ms)
  phase build
  node esbuild.mjs || exit 1
  node scripts/build-tests.mjs || exit 1
  timings+=("build $(($(ms) - t)) ms")
fi
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

# A fresh workspace folder, as a user would have it: a git repo with some code. Its database
# starts with the window, before the explorer is opened, for one of the two reasons it can:
# the settings turn the endpoint on (default), or, with "data-folder", the data folder is there
# from an earlier session.
make_workspace() {
  local ws="$1" why="${2:-setting}"
  mkdir -p "$ws/.git" "$ws/.vscode" "$ws/src"
  printf 'node_modules/\n' >"$ws/.gitignore"
  if [ "$why" = data-folder ]; then
    mkdir -p "$ws/.dynamodb"
    printf '{\n  "dynamoWorkspace.endpoint.port": 0\n}\n' >"$ws/.vscode/settings.json"
  else
    printf '{\n  "dynamoWorkspace.endpoint.enabled": true,\n  "dynamoWorkspace.endpoint.port": 0\n}\n' >"$ws/.vscode/settings.json"
  fi
  printf 'console.log("hello");\n' >"$ws/src/app.js"
}

count_node_tests() { # parses node --test's closing "ℹ pass N" / "ℹ fail N"
  local log="$1" p f
  p=$(grep -Eo '^ℹ pass [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ℹ fail [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  s=$(grep -Eo '^ℹ skipped [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  echo "unit: $p passed, $f failed" >&2
}

# --- unit tests of shared logic ---------------------------------------------------------------
if [ -z "$only" ] || [ "$only" = unit ]; then
  t=$(ms)
  phase "unit tests (plain Node)"
  mapfile -t unit_files < <(find test/webview test/protocol test/extension/unit -name '*.test.ts' 2>/dev/null | sort)
  if ((${#unit_files[@]})); then
    node --import tsx --test --test-reporter=spec "${unit_files[@]}" 2>&1 | tee "$WORK/unit.log"
    [ "${PIPESTATUS[0]}" = 0 ] || grep -q '^ℹ fail [1-9]' "$WORK/unit.log" || failed=$((failed + 1))
    count_node_tests "$WORK/unit.log"
  fi
  timings+=("unit $(($(ms) - t)) ms")
fi

# --- mocha inside the real extension host -----------------------------------------------------
if [ -z "$only" ] || [ "$only" = host ]; then
  t=$(ms)
  phase "integration suite in the extension host"
  make_workspace "$WORK/host-ws"
  results="$WORK/host-results.json"
  env_json="$(node -e 'console.log(JSON.stringify({DW_TEST_RESULTS: process.argv[1], DW_TEST_GREP: process.env.DW_TEST_GREP || ""}))' "$results")"
  if out="$(bash scripts/vscode-server.sh start --dev "$ROOT" --tests out/test/extension/index.js --workspace "$WORK/host-ws" --state "$WORK/host-server" --env "$env_json")"; then
    eval "$out"
    STATE="$VSCODE_E2E_STATE"
    node --import tsx test/e2e/run-ext-tests.ts "$VSCODE_E2E_TEST_URL" --timeout 600
    rc=$?
    bash scripts/vscode-server.sh stop "$STATE" >/dev/null 2>&1
    STATE=""
    if [ -f "$results" ]; then
      p=$(node -p "require('$results').passes"); f=$(node -p "require('$results').failures"); s=$(node -p "require('$results').pending")
      passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
      echo "extension host: $p passed, $f failed, $s skipped" >&2
      [ "$rc" = 0 ] || [ "$f" != 0 ] || failed=$((failed + 1))
    else
      echo "extension host suite produced no results (exit $rc); server log: $WORK/host-server/server.log" >&2
      tail -50 "$WORK/host-server/server.log" >&2 || true
      failed=$((failed + 1))
    fi
  else
    failed=$((failed + 1))
  fi
  timings+=("extension-host suite $(($(ms) - t)) ms")
fi

# --- Playwright UI scenarios ---------------------------------------------------------------------
# Each runs against the extension installed from its .vsix, as users get it, in its own server and
# workspace: ui-scenario.ts (the panels) and ui-host-scenario.ts (start-up, commands, the tree).
vsix=""
package_once() {
  [ -z "$vsix" ] || return 0
  vsix="$WORK/dynamo-workspace.vsix"
  E2E_SKIP_BUILD=1 bash scripts/package.sh "$vsix" >"$WORK/package.log" 2>&1 || { cat "$WORK/package.log" >&2; exit 1; }
}

run_scenario() { # NAME SCRIPT [WORKSPACE-KIND]
  local name="$1" script="$2" t rc p f s
  t=$(ms)
  phase "$name (Playwright + chromium)"
  make_workspace "$WORK/$name-ws" "${3:-setting}"
  package_once
  if out="$(bash scripts/vscode-server.sh start --extension "$vsix" --workspace "$WORK/$name-ws" --state "$WORK/$name-server")"; then
    eval "$out"
    STATE="$VSCODE_E2E_STATE"
    DW_UI_WORKSPACE="$WORK/$name-ws" DW_UI_STATE="$WORK/$name-server" node --import tsx "$script" "$VSCODE_E2E_URL" "$ARTIFACTS" "$WORK/$name-results.json"
    rc=$?
    bash scripts/vscode-server.sh stop "$STATE" >/dev/null 2>&1
    STATE=""
    if [ -f "$WORK/$name-results.json" ]; then
      p=$(node -p "require('$WORK/$name-results.json').passes"); f=$(node -p "require('$WORK/$name-results.json').failures"); s=$(node -p "require('$WORK/$name-results.json').skipped")
      passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
      echo "$name: $p passed, $f failed, $s skipped" >&2
      [ "$rc" = 0 ] || [ "$f" != 0 ] || failed=$((failed + 1))
    else
      failed=$((failed + 1))
    fi
    if [ "$rc" != 0 ]; then cp "$WORK/$name-server/server.log" "$ARTIFACTS/$name-server.log" 2>/dev/null || true; fi
  else
    failed=$((failed + 1))
  fi
  timings+=("$name $(($(ms) - t)) ms")
}

# the workspace folder names (ui-ws, ui-host-ws) are what the scenarios find in the tree
if { [ -z "$only" ] || [ "$only" = ui ]; } && [ -f test/e2e/ui-scenario.ts ]; then run_scenario ui test/e2e/ui-scenario.ts; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = ui-host ]; then run_scenario ui-host test/e2e/ui-host-scenario.ts data-folder; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = stream ]; then run_scenario stream test/e2e/stream-scenario.ts; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = capacity ]; then run_scenario capacity test/e2e/capacity-scenario.ts; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = tree ]; then run_scenario tree test/e2e/tree-scenario.ts; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = ddb-local ]; then run_scenario ddb-local test/e2e/ddb-local-scenario.ts; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = timeline ]; then run_scenario timeline test/e2e/timeline-scenario.ts; fi
if [ -z "$only" ] || [ "$only" = ui ] || [ "$only" = inspector ]; then run_scenario inspector test/e2e/inspector-scenario.ts; fi

echo "timings: $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')"
echo "screenshots: $ARTIFACTS"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
