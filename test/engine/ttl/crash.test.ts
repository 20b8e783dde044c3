// Kills a process with SIGKILL in the middle of a TTL sweep of many expired items, several times,
// and checks after each kill that nothing is half done: every item is there intact or deleted,
// the GSI holds exactly the table's items, no unexpired item was touched, nothing deleted comes
// back; and that sweeps after the reopens finish the work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import { bundledChild } from '../bundled-child';
import { Database } from '../../../src/engine/database';
import { EXPIRED, LIVE, intact } from './crash-items';

const KILLS = Number(process.env.TTL_CRASH_KILLS ?? 5);

const child = bundledChild(path.join(__dirname, 'crash-child.ts'), 'dw-ttl-crash-');

type Item = Record<string, { S?: string; N?: string }>;

async function scanAll(db: Database, index?: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: unknown;
  do {
    const page = (await db.execute('Scan', { TableName: 'Exp', ...(index ? { IndexName: index } : {}), ...(start ? { ExclusiveStartKey: start } : {}) })) as {
      Items: Item[];
      LastEvaluatedKey?: unknown;
    };
    out.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Checks the folder as a reopen finds it; returns the expired items still there. */
async function check(dir: string, deletedBefore: Set<string>, label: string): Promise<Set<string>> {
  const db = await Database.open(dir, { ttlSweepIntervalMs: 0, ttlTransitionMs: 0 });
  try {
    const items = await scanAll(db);
    const present = new Set<string>();
    for (const item of items) {
      const pk = item.pk.S!;
      assert.ok(intact(item), `${label}: ${pk} is not as it was written`);
      present.add(pk);
    }
    for (let i = 0; i < LIVE; i++) assert.ok(present.has(`l${i}`), `${label}: unexpired l${i} is gone`);
    for (const pk of deletedBefore) assert.ok(!present.has(pk), `${label}: ${pk} came back after being deleted`);
    const indexed = (await scanAll(db, 'byG')).map((i) => i.pk.S!).sort();
    assert.deepEqual(indexed, [...present].sort(), `${label}: the GSI does not hold exactly the table's items`);
    assert.equal(db.tables.get('Exp')!.itemCount, present.size);
    return new Set([...present].filter((pk) => pk.startsWith('e')));
  } finally {
    await db.close();
  }
}

function runChild(dir: string, mode: 'populate' | 'sweep', killWhenBelow?: number): Promise<{ killed: boolean; lastCount: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child.script, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    let lastCount = NaN;
    proc.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (!line.startsWith('count ')) return;
      lastCount = Number(line.slice(6));
      // Deletions have started: kill at a random moment soon after.
      if (killWhenBelow !== undefined && lastCount < killWhenBelow && !killed) {
        killed = true;
        setTimeout(() => proc.kill('SIGKILL'), Math.random() * 30);
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, lastCount });
      else if (code === 0) resolve({ killed: false, lastCount });
      else reject(new Error(`child ${mode} exited with ${code}: ${stderr}`));
    });
  });
}

test(`a TTL sweep killed ${KILLS} times loses nothing, leaves nothing half done, and finishes after reopening`, { timeout: 10 * 60 * 1000 }, async (t) => {
  const dir = path.join(child.work, 'data');
  await runChild(dir, 'populate');
  let remaining = await check(dir, new Set(), 'after populating');
  assert.equal(remaining.size, EXPIRED);
  const deleted = new Set<string>();
  let kills = 0;
  for (let round = 0; round < KILLS && remaining.size > 0; round++) {
    const { killed } = await runChild(dir, 'sweep', LIVE + remaining.size);
    if (killed) kills++;
    const next = await check(dir, deleted, `round ${round}${killed ? ' (killed)' : ''}`);
    for (const pk of remaining) if (!next.has(pk)) deleted.add(pk);
    t.diagnostic(`round ${round}: ${killed ? 'killed' : 'finished'}, ${remaining.size - next.size} deleted, ${next.size} expired left`);
    remaining = next;
  }
  assert.ok(kills > 0, 'at least one sweep was killed while it was deleting');
  assert.ok(deleted.size > 0, 'the killed sweeps got somewhere');
  // A sweep that is left alone finishes the work.
  await runChild(dir, 'sweep');
  const last = await check(dir, deleted, 'after the final sweep');
  assert.equal(last.size, 0, 'every expired item is deleted in the end');
});
