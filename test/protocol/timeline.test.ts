// The timeline panel's shared logic: bucket sizes, dense series, "just before the last big
// change", times typed and shown in the local zone, and the side-by-side diff (names: names.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bucketFor,
  clampToWindow,
  denseSeries,
  formatLocal,
  formatUtc,
  lastBigChange,
  MAX_BUCKETS,
  parseLocal,
  sideBySide,
  type VolumeSeries,
} from '../../src/protocol/timeline';

const series = (start: number, step: number, totals: number[]): VolumeSeries => ({
  start,
  step,
  inserts: totals,
  modifications: totals.map(() => 0),
  removals: totals.map(() => 0),
});

describe('timeline buckets', () => {
  it('a one-minute window is drawn in one-second buckets, so writes seconds apart stand apart', () => {
    assert.equal(bucketFor(60_000), 1000);
  });

  it('no span gets more than MAX_BUCKETS buckets, up to a day per bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_BUCKETS * 86_400_000 }), (span) => {
        assert.ok(span / bucketFor(span) <= MAX_BUCKETS);
      }),
    );
  });

  it('the dense series puts each sparse bucket at its index and leaves the rest empty', () => {
    const s = denseSeries([{ start: 12_000, inserts: 2, modifications: 1, removals: 0 }, { start: 15_000, inserts: 0, modifications: 0, removals: 3 }], 10_500, 16_000, 1000);
    assert.equal(s.start, 10_000);
    assert.deepEqual(s.inserts, [0, 0, 2, 0, 0, 0, 0]);
    assert.deepEqual(s.modifications, [0, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(s.removals, [0, 0, 0, 0, 0, 3, 0]);
  });
});

describe('just before the last big change', () => {
  it('is the second before the burst holding the most writes, not before its largest bucket', () => {
    // bursts: [1] at 0, [2,5,1] at 3..5 (8 writes), [6] at 8: the 8-write burst starts at bucket 3
    const t = lastBigChange(series(100_000, 1000, [1, 0, 0, 2, 5, 1, 0, 0, 6]));
    assert.equal(t, 102_000);
  });

  it('of two equal bursts, the later one wins', () => {
    assert.equal(lastBigChange(series(0, 60_000, [3, 0, 3, 0])), 119_000);
  });

  it('is undefined when nothing was written', () => {
    assert.equal(lastBigChange(series(0, 1000, [0, 0, 0])), undefined);
  });

  it('is always a whole second before every write of the burst it names', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5), { minLength: 1, maxLength: 40 }), fc.constantFrom(1000, 5000, 60_000), (totals, step) => {
        const t = lastBigChange(series(1_700_000_000_000, step, totals));
        if (totals.every((n) => n === 0)) return assert.equal(t, undefined);
        assert.ok(t !== undefined && t % 1000 === 0);
        const firstAfter = Math.ceil((t + 1 - 1_700_000_000_000) / step);
        assert.ok(totals[firstAfter]! > 0, 'the bucket after the picked second has writes');
      }),
    );
  });
});

describe('times in the local zone', () => {
  it('a time shown is read back as the same second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }), (ms) => {
        const second = Math.floor(ms / 1000) * 1000;
        const back = parseLocal(formatLocal(second));
        // in a repeated hour (DST end) the text names two instants; both show the same text
        assert.ok(back !== undefined && formatLocal(back) === formatLocal(second));
      }),
    );
  });

  it('accepts a T between date and time and leaves the seconds optional', () => {
    assert.equal(parseLocal('2026-03-04T05:06'), new Date(2026, 2, 4, 5, 6, 0).getTime());
  });

  it('refuses dates that do not exist and text that is not a date', () => {
    assert.equal(parseLocal('2026-02-30 10:00:00'), undefined);
    assert.equal(parseLocal('2026-01-01 24:00:00'), undefined);
    assert.equal(parseLocal('yesterday'), undefined);
  });

  it('UTC text drops the milliseconds of the second it names', () => {
    assert.equal(formatUtc(Date.UTC(2026, 11, 6, 5, 4, 3, 999)), '2026-12-06T05:04:03Z');
  });

  it('a picked time is clamped to whole seconds inside the PITR window', () => {
    const pitr = { status: 'ENABLED' as const, earliest: 10_500, latest: 20_700 };
    assert.equal(clampToWindow(5_000, pitr), 11_000);
    assert.equal(clampToWindow(15_432, pitr), 15_000);
    assert.equal(clampToWindow(99_000, pitr), 20_000);
  });
});

describe('the side-by-side diff', () => {
  it('pairs a changed line with its replacement and keeps unchanged lines on both sides', () => {
    const rows = sideBySide('{\n  "id": "a",\n  "qty": 1\n}\n', '{\n  "id": "a",\n  "qty": 2\n}\n');
    assert.deepEqual(rows, [
      { left: { text: '{', kind: 'same' }, right: { text: '{', kind: 'same' } },
      { left: { text: '  "id": "a",', kind: 'same' }, right: { text: '  "id": "a",', kind: 'same' } },
      { left: { text: '  "qty": 1', kind: 'removed' }, right: { text: '  "qty": 2', kind: 'added' } },
      { left: { text: '}', kind: 'same' }, right: { text: '}', kind: 'same' } },
    ]);
  });

  it('an item that did not exist then has every line added on the right only', () => {
    const rows = sideBySide('', '{\n  "id": "b"\n}');
    assert.ok(rows.every((r) => r.left === undefined && r.right?.kind === 'added'));
    assert.equal(rows.length, 3);
  });

  it('each side, read down its column, is exactly its text', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', '{', '}'), { maxLength: 12 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const rows = sideBySide(a, b);
        const left = rows.flatMap((r) => (r.left ? [r.left.text] : [])).join('\n');
        const right = rows.flatMap((r) => (r.right ? [r.right.text] : [])).join('\n');
        assert.equal(left, a);
        assert.equal(right, b);
      }),
    );
  });
});
