// The timeline app's pure view of a snapshot (webview/timeline/state.ts) and the checks its
// actions make before anything reaches the host (webview/timeline/actions.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartData, jumpTargets, previewSummary, stepLabel, volumeOf } from '../../webview/timeline/state';
import { ActionProblem, createBackup, pick, recoveryDays, restore, type TimelineHost } from '../../webview/timeline/actions';
import type { TimelineSnapshot } from '../../src/protocol/timeline';

const T0 = Date.UTC(2026, 11, 6, 5, 0, 0);

function snapshot(patch: Partial<TimelineSnapshot> = {}): TimelineSnapshot {
  return {
    tableName: 'Orders',
    connectionLabel: 'ws',
    keyNames: ['id'],
    now: T0 + 60_000,
    pitr: { status: 'ENABLED', recoveryPeriodInDays: 7, earliest: T0 + 10_500, latest: T0 + 60_000 },
    backups: [
      { arn: 'arn:old', name: 'before', type: 'USER', status: 'AVAILABLE', created: T0 - 3600_000 },
      { arn: 'arn:in', name: 'nightly', type: 'SYSTEM', status: 'AVAILABLE', created: T0 + 30_000 },
    ],
    volume: { start: T0, step: 1000, inserts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1], modifications: new Array(22).fill(0), removals: new Array(22).fill(0) },
    unavailable: {},
    ...patch,
  };
}

/** A host that must not be asked: the action should have refused before sending. */
const silentHost: TimelineHost = {
  request: () => {
    throw new Error('the host was asked');
  },
};

describe('the timeline chart data', () => {
  it('stacks inserts, modifications and removals as bars in theme colours, with the PITR window as the band', () => {
    const d = chartData(snapshot());
    assert.deepEqual(d.series.map((s) => [s.id, s.kind, s.stack]), [['inserts', 'bar', 'writes'], ['modifications', 'bar', 'writes'], ['removals', 'bar', 'writes']]);
    assert.ok(d.series.every((s) => s.color.startsWith('--vscode-charts-')));
    assert.deepEqual(d.band, { from: T0 + 10_500, to: T0 + 60_000, label: 'PITR window' });
    assert.equal(d.yLabel, 'Writes per second');
    assert.equal(d.selectable, true);
  });

  it('marks every backup, on-demand and system, at its creation time', () => {
    const d = chartData(snapshot());
    assert.deepEqual(d.markers!.map((m) => [m.id, m.at, m.label]), [
      ['arn:old', T0 - 3600_000, 'before (on-demand backup)'],
      ['arn:in', T0 + 30_000, 'nightly (system backup)'],
    ]);
  });

  it('without PITR there is no band and nothing to pick', () => {
    const d = chartData(snapshot({ pitr: { status: 'DISABLED' } }));
    assert.equal(d.band, undefined);
    assert.equal(d.selectable, false);
    assert.deepEqual(jumpTargets(snapshot({ pitr: { status: 'DISABLED' } })), []);
  });

  it('a remote table without history still gets an empty axis covering its window and backups', () => {
    const v = volumeOf(snapshot({ volume: undefined }));
    assert.ok(v.start <= T0 - 3600_000);
    assert.ok(v.start + v.inserts.length * v.step > T0 + 60_000 - v.step);
    assert.ok(v.inserts.every((n) => n === 0));
  });

  it('bars are named by their length', () => {
    assert.deepEqual([1000, 5000, 60_000, 900_000, 3600_000, 86_400_000].map(stepLabel), ['second', '5 seconds', 'minute', '15 minutes', 'hour', 'day']);
  });
});

describe('jumping to a second', () => {
  it('offers the second before the last big change, the window ends and backups inside the window only', () => {
    const j = jumpTargets(snapshot());
    assert.deepEqual(j.map((x) => [x.id, x.time]), [
      ['big-change', T0 + 19_000],
      ['earliest', T0 + 11_000],
      ['latest', T0 + 60_000],
      ['arn:in', T0 + 30_000],
    ]);
  });

  it('a picked time becomes a whole second inside the window', () => {
    assert.equal(pick(snapshot(), T0 + 25_750), T0 + 25_000);
    assert.equal(pick(snapshot(), T0), T0 + 11_000);
    assert.throws(() => pick(snapshot({ pitr: { status: 'DISABLED' } }), T0), ActionProblem);
  });
});

describe('the preview summary', () => {
  it('says then, now and how many items differ, and when the list was cut', () => {
    const p = { time: T0 + 20_000, then: { itemCount: 1, sizeBytes: 30 }, now: { itemCount: 3, sizeBytes: 2048 }, differences: [{ key: { id: { S: 'a' } } }], differenceCount: 2 };
    assert.match(previewSummary(p), /: 1 item, 30 B\. Now: 3 items, 2\.00 KB\. 2 items differ \(the first 1 shown\)\.$/);
  });
});

describe('checks before asking the host', () => {
  it('a restore into a badly named table is refused with DynamoDB\'s rule', async () => {
    await assert.rejects(restore(silentHost, { time: T0 + 20_000 }, 'x y'), /Table names use only letters, digits/);
    await assert.rejects(restore(silentHost, { time: T0 + 20_000 }, 'Orders', ['Orders']), /A table named Orders already exists/);
  });

  it('a backup with a name DynamoDB would refuse is not asked for', async () => {
    await assert.rejects(createBackup(silentHost, 'a b'), (e: Error) => e instanceof ActionProblem && /Backup names use only/.test(e.message));
  });

  it('the recovery period is a whole number of days from 1 to 35', () => {
    assert.equal(recoveryDays(' 35 '), 35);
    for (const bad of ['0', '36', '1.5', 'seven', '']) assert.throws(() => recoveryDays(bad), /1 to 35/);
  });
});
