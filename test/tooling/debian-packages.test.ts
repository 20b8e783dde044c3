// scripts/debian-packages.sh with stand-ins first on PATH: dpkg-query reporting nothing installed
// and an apt-get that only records its call on stderr (build tools, python3 and a java stand-in too). The packages and the reason for each must
// be printed before apt-get runs; nothing at all may happen when everything is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'debian-packages.sh');

function run(installed: boolean) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'debian-packages-'));
  const status = installed ? 'install ok installed' : 'unknown ok not-installed';
  fs.writeFileSync(path.join(bin, 'dpkg-query'), `#!/bin/sh\nprintf '%s' '${status}'\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'apt-get'), '#!/bin/sh\necho "APT-GET $*" >&2\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sudo'), '#!/bin/sh\n"$@"\n', { mode: 0o755 });
  // build tools and python3 present, so only the dpkg answers decide
  for (const tool of ['make', 'g++', 'python3']) fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\n', { mode: 0o755 });
  // a Java older than 17 (what DynamoDB Local needs) counts as none, like a missing package
  fs.writeFileSync(path.join(bin, 'java'), `#!/bin/sh\necho 'openjdk version "${installed ? '17.0.15' : '11.0.2'}" 2025-04-15' >&2\n`, { mode: 0o755 });
  // the AWS CLI: a stand-in when "installed"; otherwise none, so PATH holds only the system's own
  // directories (a user's aws, as pip or pyenv put it elsewhere, must not count)
  if (installed) fs.writeFileSync(path.join(bin, 'aws'), '#!/bin/sh\n', { mode: 0o755 });
  const r = spawnSync('bash', [SCRIPT], { env: { ...process.env, PATH: [bin, '/usr/bin', '/bin'].join(path.delimiter) }, encoding: 'utf8' });
  fs.rmSync(bin, { recursive: true, force: true });
  return r;
}

test('lists the missing packages and why, then installs them', () => {
  const r = run(false);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  const firstApt = lines.findIndex((l) => l.startsWith('APT-GET'));
  assert.ok(firstApt > 0, r.stderr);
  const before = lines.slice(0, firstApt).join('\n');
  assert.match(before, /installing Debian packages( with sudo)?: chromium libkrb5-dev openjdk-17-jre-headless awscli/);
  assert.match(before, /chromium: the headless browser/);
  assert.match(before, /libkrb5-dev: headers/);
  assert.match(before, /openjdk-17-jre-headless: Java 17, to run DynamoDB Local/);
  assert.match(before, /awscli: the AWS CLI/);
  assert.match(lines.slice(firstApt).join('\n'), /APT-GET install -y -qq --no-install-recommends chromium libkrb5-dev openjdk-17-jre-headless awscli/);
});

test('does nothing, silently, when every package is installed', () => {
  const r = run(true);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
});
