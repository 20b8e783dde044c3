#!/usr/bin/env bash
# `npm test`: install what is missing (npm ci when node_modules is absent or stale), type-check,
# build, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.mjs
# Debian packages first (said before installed): the endpoint's browser test in the node suite
# drives chromium, which a fresh machine lacks until now.
bash scripts/debian-packages.sh
npx tsc -p . --noEmit
node esbuild.mjs
node --import tsx --test --test-concurrency=1 --test-reporter=spec $(find test/engine test/server -name '*.test.ts' | sort)

# The tooling: dependency check, and the README's client snippets run as written against an endpoint.
node --import tsx --test --test-reporter=spec $(find test/tooling -name '*.test.ts' | sort)

# The server through boto3 (Python's AWS SDK): pytest starts its own server (test/server/serve-for-tests.ts).
# pytest's exit status is the script's (set -e). Skipped, loudly, only where python3 lacks boto3 or pytest.
if python3 -c 'import boto3, pytest' >/dev/null 2>&1; then
  PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -q -p no:cacheprovider test/server/python
else
  echo "SKIPPED: boto3 suite (test/server/python) needs python3 with boto3 and pytest" >&2
fi

# The extension in a real VS Code (code-server, headless chromium): installs what it needs into
# .vscode-e2e-cache on first run, then the extension-host suite and the Playwright UI scenario.
bash test/e2e/run.sh
