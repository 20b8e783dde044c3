// Kills a writing child process with SIGKILL at random moments, many times in a row, and checks
// after each kill that every acknowledged write is present and intact: 200 kills in a row in each
// durability mode ('process', the default, must survive a kill as 'disk' does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundledChild, runUntilKilled } from './bundled-child';
import { Database } from '../../src/engine/database';
import { payloadFor } from './crash-payload';

const KILLS = Number(process.env.CRASH_KILLS ?? 200);
const MODES = [
  { durability: 'process' as const, kills: KILLS },
  { durability: 'disk' as const, kills: KILLS },
];

const child = bundledChild(path.join(__dirname, 'crash-child.ts'), 'dw-crash-');

for (const { durability, kills } of MODES) {
  test(`durability '${durability}': no acknowledged write is lost across ${kills} SIGKILLs`, { timeout: 60 * 60 * 1000 }, () => killRepeatedly(durability, kills));
}

async function killRepeatedly(durability: 'process' | 'disk', kills: number): Promise<void> {
  const dir = path.join(child.work, `data-${durability}`);
  // key -> latest acknowledged version (negative: acknowledged delete)
  const acked = new Map<string, number>();
  let totalAcks = 0;
  for (let round = 0; round < kills; round++) {
    await runUntilKilled(child.script, [dir, durability], 5 + Math.random() * 150, (line) => {
      const [key, v] = line.split(' ');
      const version = Number(v);
      const prev = acked.get(key);
      if (prev === undefined || Math.abs(version) > Math.abs(prev)) acked.set(key, version);
      totalAcks++;
    });

    const db = await Database.open(dir, { durability });
    for (const [key, version] of acked) {
      const got = (await db.execute('GetItem', { TableName: 'crash', Key: { k: { S: key } } })) as any;
      if (version < 0) {
        // deleted, or rewritten later by a write whose acknowledgement the child never printed
        if (got.Item) assert.ok(Number(got.Item.v.N) > -version, `${key}: deleted at ${-version} but holds ${got.Item.v.N}`);
        continue;
      }
      if (!got.Item && Number(key.slice(4)) >= 2000) continue; // a later, unacknowledged delete may have landed
      assert.ok(got.Item, `round ${round}: acknowledged ${key}@${version} is missing`);
      const v = Number(got.Item.v.N);
      assert.ok(v >= version, `round ${round}: ${key} went back from ${version} to ${v}`);
      assert.equal(got.Item.p.S, payloadFor(key, v), `${key}@${v} is not intact`);
    }
    // Alternate between a clean close (checkpoint) and leaving the lock behind (log replay next time).
    if (round % 2 === 0) await db.close();
    else fs.rmSync(path.join(dir, 'LOCK'));
  }
  assert.ok(totalAcks > kills, `the children acknowledged ${totalAcks} writes`);
  console.log(`crash test ('${durability}'): ${kills} kills, ${totalAcks} acknowledged writes checked`);
  fs.rmSync(dir, { recursive: true, force: true });
}
