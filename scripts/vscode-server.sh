#!/usr/bin/env bash
# Runs a disposable code-server (the real VS Code workbench and Node extension host) on loopback.
#
#   scripts/vscode-server.sh start [options] [-- more code-server arguments]
#     --cache DIR        what scripts/e2e-setup.sh prepared (default $VSCODE_E2E_CACHE or <repo>/.vscode-e2e-cache)
#     --state DIR        user data, extensions, logs (default: a new temp dir)
#     --workspace DIR    folder to open (default: STATE/workspace)
#     --extension X      X = a .vsix to install, or an extension folder to link into the extensions dir
#     --dev DIR          extension under development, loaded through the workbench URL's payload
#     --tests FILE       extension test entry (exports run(): Promise<void>); needs --dev
#     --env JSON         extra environment for the extension host (with --dev)
#     --settings FILE    user settings.json to use instead of the quiet defaults
#     --port N           port (default: a free one)
#     --host H           bind address (default 127.0.0.1)
#   scripts/vscode-server.sh stop STATE [--rm]
#
# `start` prints shell assignments for eval: VSCODE_E2E_URL, VSCODE_E2E_TEST_URL (with --tests),
# VSCODE_E2E_PID, VSCODE_E2E_PORT, VSCODE_E2E_STATE. The server is started with setsid, so it leads
# its own process group; `stop` signals exactly that group (TERM, then KILL after 10 s).
#
# Note: a production VS Code build only honours the URL payload (extensionDevelopmentPath,
# extensionTestsPath, extensionEnvironment) with `--vscode-option enable-smoke-test-driver`, which
# also hides notification toasts and skips modal dialogs. It is therefore only switched on with
# --dev; UI scenarios should install the extension with --extension instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[vscode-server] $*" >&2; }
fail() { say "error: $*"; exit 1; }
absolute() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }

stop_server() {
  local state="${1:?stop needs the STATE dir}" remove="${2:-}" pid n
  [ -f "$state/pid" ] || fail "$state/pid not found"
  pid="$(cat "$state/pid")"
  if kill -0 -- "-$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for n in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      say "group $pid ignored TERM; sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$state/pid"
  say "stopped server $pid"
  if [ "$remove" = --rm ]; then
    [ -f "$state/.vscode-server-state" ] || fail "refusing to delete $state: not a state dir made by this script"
    rm -rf "$state"
  fi
}

start_server() {
  local cache="${VSCODE_E2E_CACHE:-$ROOT/.vscode-e2e-cache}" state="" workspace="" tests="" envjson="" port="" host=127.0.0.1 settings=""
  local -a extensions=() devs=() extra=()
  while (($#)); do
    case "$1" in
      --cache) cache="$2"; shift 2 ;;
      --state) state="$2"; shift 2 ;;
      --workspace) workspace="$2"; shift 2 ;;
      --extension) extensions+=("$2"); shift 2 ;;
      --dev) [ -d "$2" ] || fail "--dev $2 is not a folder"; devs+=("$(cd "$2" && pwd)"); shift 2 ;;
      --tests) tests="$(absolute "$2")"; shift 2 ;;
      --env) envjson="$2"; shift 2 ;;
      --settings) settings="$2"; shift 2 ;;
      --port) port="$2"; shift 2 ;;
      --host) host="$2"; shift 2 ;;
      --) shift; extra=("$@"); break ;;
      *) fail "unknown option $1" ;;
    esac
  done
  [ -f "$cache/env.sh" ] || fail "no $cache/env.sh: run scripts/e2e-setup.sh first"
  # shellcheck disable=SC1091
  . "$cache/env.sh"
  local node="$VSCODE_E2E_NODE" entry="$VSCODE_E2E_CODE_SERVER"
  [ -z "$tests" ] || ((${#devs[@]})) || fail "--tests needs --dev"

  [ -n "$state" ] || state="$(mktemp -d "${TMPDIR:-/tmp}/vscode-server.XXXXXX")"
  mkdir -p "$state"
  state="$(cd "$state" && pwd)"
  touch "$state/.vscode-server-state"
  [ -n "$workspace" ] || workspace="$state/workspace"
  mkdir -p "$workspace" "$state/user-data/User" "$state/extensions" "$state/xdg/config" "$state/xdg/data" "$state/xdg/cache"
  workspace="$(cd "$workspace" && pwd)"
  if [ -n "$settings" ]; then
    cp "$settings" "$state/user-data/User/settings.json"
  else
    cat >"$state/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "remote.autoForwardPorts": false,
  "git.enabled": false
}
JSON
  fi
  if [ -z "$port" ]; then
    port="$("$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  fi

  # code-server and VS Code keep config, logs and machine ids under the XDG dirs: keep them here.
  # An empty gallery means no marketplace requests at all.
  export XDG_CONFIG_HOME="$state/xdg/config" XDG_DATA_HOME="$state/xdg/data" XDG_CACHE_HOME="$state/xdg/cache"
  export EXTENSIONS_GALLERY='{}'
  local -a dirs=(--config "$state/config.yaml" --user-data-dir "$state/user-data" --extensions-dir "$state/extensions")
  printf 'auth: none\ncert: false\nbind-addr: %s:%s\n' "$host" "$port" >"$state/config.yaml"

  local x id
  local -a vsixes=()
  for x in ${extensions[@]+"${extensions[@]}"}; do
    if [ -d "$x" ]; then
      # linked folders must be in place before the first scan records the extensions dir
      id="$("$node" -p 'const m=require(process.argv[1]+"/package.json");`${m.publisher}.${m.name}-${m.version}`.toLowerCase()' "$(cd "$x" && pwd)")"
      ln -sfn "$(cd "$x" && pwd)" "$state/extensions/$id"
    elif [[ "$x" == *.vsix && -f "$x" ]]; then
      vsixes+=("$(absolute "$x")")
    else
      fail "--extension $x: neither a folder nor a .vsix"
    fi
  done
  for x in ${vsixes[@]+"${vsixes[@]}"}; do
    say "installing $(basename "$x")"
    "$node" "$entry" "${dirs[@]}" --install-extension "$x" >>"$state/install.log" 2>&1 || { cat "$state/install.log" >&2; fail "could not install $x"; }
  done
  local -a smoke=()
  ((${#devs[@]} == 0)) || smoke=(--vscode-option enable-smoke-test-driver)

  local began; began=$(date +%s%N)
  setsid "$node" "$entry" "${dirs[@]}" --auth none --bind-addr "$host:$port" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --reconnection-grace-time 60 ${smoke[@]+"${smoke[@]}"} ${extra[@]+"${extra[@]}"} "$workspace" \
    >"$state/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$state/pid"
  local ready="" i
  for i in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$state/server.log" >&2; fail "code-server exited during start"; }
    if curl -fs -o /dev/null "http://$host:$port/healthz"; then ready=1; break; fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    stop_server "$state" >/dev/null 2>&1 || true
    cat "$state/server.log" >&2
    fail "code-server not answering after 30 s"
  fi
  say "code-server $pid on $host:$port, ready after $((($(date +%s%N) - began) / 1000000)) ms (log $state/server.log)"

  local urls
  urls="$(BASE="http://$host:$port" FOLDER="$workspace" TESTS="$tests" ENVJSON="$envjson" "$node" -e '
    const { BASE, FOLDER, TESTS, ENVJSON } = process.env;
    const authority = new URL(BASE).host;
    const payload = process.argv.slice(1).map((d) => ["extensionDevelopmentPath", `vscode-remote://${authority}${d}`]);
    if (ENVJSON) payload.push(["extensionEnvironment", JSON.stringify(JSON.parse(ENVJSON))]);
    const make = (p) => `${BASE}/?folder=${encodeURIComponent(FOLDER)}` + (p.length ? `&payload=${encodeURIComponent(JSON.stringify(p))}` : "");
    console.log(make(payload));
    console.log(TESTS ? make([...payload, ["extensionTestsPath", `vscode-remote://${authority}${TESTS}`]]) : "");
  ' ${devs[@]+"${devs[@]}"})"
  {
    printf 'VSCODE_E2E_URL=%q\n' "$(sed -n 1p <<<"$urls")"
    [ -z "$tests" ] || printf 'VSCODE_E2E_TEST_URL=%q\n' "$(sed -n 2p <<<"$urls")"
    printf 'VSCODE_E2E_PID=%q\nVSCODE_E2E_PORT=%q\nVSCODE_E2E_STATE=%q\nVSCODE_E2E_CACHE=%q\n' "$pid" "$port" "$state" "$VSCODE_E2E_CACHE"
  } | tee "$state/server.env"
}

case "${1:-}" in
  start) shift; start_server "$@" ;;
  stop) shift; stop_server "$@" ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
