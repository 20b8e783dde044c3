#!/usr/bin/env bash
# `npm start`: a real VS Code with the extension and a sample workspace.
#   - desktop VS Code (`code` on PATH, not disabled by DW_START_WEB=1): opens a window with the
#     extension under development;
#   - otherwise code-server on 127.0.0.1 (set up by scripts/e2e-setup.sh), with the extension
#     installed from this build; prints the URL and serves until Ctrl+C.
# Env: DW_START_PORT (default 8080, or a free port if taken), DW_SAMPLE_WORKSPACE (a folder to open).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
node scripts/ensure-deps.mjs
node esbuild.mjs

# A sample workspace: a small app that talks to the workspace endpoint, and seed data to import.
ws="${DW_SAMPLE_WORKSPACE:-$ROOT/.vscode-e2e-cache/sample-workspace}"
if [ ! -d "$ws" ]; then
  mkdir -p "$ws/data"
  cat >"$ws/README.md" <<'MD'
# Sample workspace

The **Dynamo Workspace** icon in the activity bar opens this folder's own DynamoDB-compatible
database (kept in `.dynamodb/`). Create a table (`Orders`, partition key `customer`, sort key
`orderId` as a Number), then right-click it → *Import Items from File…* → `data/orders.json`.

The status bar shows the endpoint; *Copy SDK / CLI Snippet…* gives code for your own application,
like `app.mjs` here.
MD
  cat >"$ws/data/orders.json" <<'JSON'
[
  { "customer": "alice", "orderId": 1, "status": "open", "total": 30.5, "lines": [{ "sku": "A-1", "qty": 2 }] },
  { "customer": "alice", "orderId": 2, "status": "shipped", "total": 12 },
  { "customer": "bob", "orderId": 1, "status": "open", "total": 99.99, "note": "gift" },
  { "customer": "carol", "orderId": 7, "status": "cancelled", "total": 5, "tags": ["promo"] }
]
JSON
  cat >"$ws/app.mjs" <<'JS'
// Run with the endpoint from the status bar: ENDPOINT=http://127.0.0.1:8000 node app.mjs
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({
  endpoint: process.env.ENDPOINT ?? 'http://127.0.0.1:8000',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const out = await client.send(new QueryCommand({
  TableName: 'Orders',
  KeyConditionExpression: 'customer = :c',
  ExpressionAttributeValues: { ':c': { S: 'alice' } },
}));
console.log(out.Items);
JS
fi

if command -v code >/dev/null 2>&1 && [ -z "${DW_START_WEB:-}" ]; then
  echo "Opening VS Code with the extension under development on $ws"
  exec code --extensionDevelopmentPath="$ROOT" "$ws"
fi

eval "$(bash scripts/e2e-setup.sh)"
state="$ROOT/.vscode-e2e-cache/start-state"
bash scripts/stage-extension.sh "$state-extension" >/dev/null
mkdir -p "$state"
if [ -f "$state/pid" ]; then bash scripts/vscode-server.sh stop "$state" >/dev/null 2>&1 || true; fi
rm -rf "$state/extensions"
port="${DW_START_PORT:-8080}"
if ! node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$port"; then port=0; fi
settings="$(mktemp)"
cat >"$settings" <<'JSON'
{
  "workbench.startupEditor": "readme",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "remote.autoForwardPorts": false
}
JSON
portarg=()
[ "$port" = 0 ] || portarg=(--port "$port")
eval "$(bash scripts/vscode-server.sh start --extension "$state-extension" --workspace "$ws" --state "$state" --settings "$settings" ${portarg[@]+"${portarg[@]}"})"
rm -f "$settings"
stop() { bash scripts/vscode-server.sh stop "$state" >/dev/null 2>&1 || true; }
trap stop EXIT INT TERM
echo
echo "  VS Code (code-server) with Dynamo Workspace: $VSCODE_E2E_URL"
echo "  sample workspace: $ws"
echo "  Ctrl+C stops it."
echo
while kill -0 "$VSCODE_E2E_PID" 2>/dev/null; do sleep 1; done
