#!/usr/bin/env bash
# `npm test`: type-check, build, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p . --noEmit
node esbuild.mjs
node --import tsx --test --test-concurrency=1 --test-reporter=spec $(find test/engine test/server -name '*.test.ts' | sort)
