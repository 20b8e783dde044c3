// The chart's pure geometry: scales, ticks, stacking, hit-testing and keyboard stepping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_MARGINS, areaPath, barPath, colorVar, endTime, figuresAt, highest, indexAt, indexOfTime, linePath, niceTicks,
  plotBottom, plotLeft, plotRight, plotTop, stackSeries, stepTime, summarize, timeAt, timeTicks, xOf, yOf,
  type Layout, type TimeChartData,
} from '../../webview/shared/components/time-chart-model';

const T0 = Date.UTC(2026, 11, 6, 5, 0, 0);

function layout(over: Partial<Layout> = {}): Layout {
  return { width: 644, height: 200, margins: DEFAULT_MARGINS, start: T0, step: 10_000, count: 60, yMax: 10, ...over };
}

/** Numbers out of an SVG path, as [x, y] pairs for M and L commands. */
function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('the time and value scales', () => {
  it('puts the first step at the plot left edge and the end of the last step at its right edge', () => {
    const l = layout();
    assert.equal(xOf(l, T0), plotLeft(l));
    assert.equal(xOf(l, endTime(l)), plotRight(l));
    assert.equal(xOf(l, T0 + 30 * 10_000), (plotLeft(l) + plotRight(l)) / 2);
  });

  it('puts 0 on the bottom edge and yMax on the top edge', () => {
    const l = layout({ yMax: 50 });
    assert.equal(yOf(l, 0), plotBottom(l));
    assert.equal(yOf(l, 50), plotTop(l));
    assert.ok(yOf(l, 40) < yOf(l, 10), 'bigger values are higher up');
  });

  it('maps an x back to the step under it, clamped to the data', () => {
    const l = layout();
    const bandWidth = (plotRight(l) - plotLeft(l)) / l.count;
    assert.equal(indexAt(l, plotLeft(l) + 0.1), 0);
    assert.equal(indexAt(l, plotLeft(l) + bandWidth * 7.5), 7);
    assert.equal(indexAt(l, plotLeft(l) - 100), 0);
    assert.equal(indexAt(l, plotRight(l) + 100), 59);
  });

  it('finds the step of every x inside the plot whose band contains it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3600 }), fc.double({ min: 0, max: 1, noNaN: true }), (count, f) => {
        const l = layout({ count });
        const x = plotLeft(l) + f * (plotRight(l) - plotLeft(l));
        const i = indexAt(l, x);
        assert.ok(i >= 0 && i < count);
        // the band of step i, in pixels, contains x (to rounding)
        assert.ok(xOf(l, T0 + i * l.step) <= x + 1e-6 && x <= xOf(l, T0 + (i + 1) * l.step) + 1e-6);
        assert.equal(indexOfTime(l, timeAt(l, x)), i);
      }),
    );
  });

  it('says a time outside the data falls in no step', () => {
    const l = layout();
    assert.equal(indexOfTime(l, T0 - 1), -1);
    assert.equal(indexOfTime(l, endTime(l)), -1);
    assert.equal(indexOfTime(l, endTime(l) - 1), 59);
  });
});

describe('value ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten and reaches the highest value', () => {
    assert.deepEqual(niceTicks(10, 5), { ticks: [0, 2, 4, 6, 8, 10], max: 10 });
    assert.deepEqual(niceTicks(7.3, 5).ticks, [0, 2, 4, 6, 8]);
    assert.deepEqual(niceTicks(0.3, 3).ticks, [0, 0.1, 0.2, 0.3]);
    assert.deepEqual(niceTicks(1234, 4).ticks, [0, 500, 1000, 1500]);
  });

  it('gives an axis from 0 to 1 when there is nothing to show', () => {
    assert.deepEqual(niceTicks(0), { ticks: [0, 1], max: 1 });
    assert.deepEqual(niceTicks(Number.NaN), { ticks: [0, 1], max: 1 });
  });

  it('always covers the value with at most a few more ticks than asked (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), fc.integer({ min: 2, max: 8 }), (max, target) => {
        const { ticks, max: top } = niceTicks(max, target);
        assert.ok(top >= max * (1 - 1e-9), `${top} covers ${max}`);
        assert.ok(ticks.length <= target * 2 + 2, `${ticks.length} ticks for ${target}`);
        const step = ticks[1]! - ticks[0]!;
        const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
        assert.ok([1, 2, 5, 10].includes(mantissa), `step ${step}`);
      }),
    );
  });
});

describe('time ticks', () => {
  it('over an hour picks 10 minutes and lands on whole local ten minutes', () => {
    const from = T0 + 7 * 60_000 + 13_000;
    const { ticks, interval } = timeTicks(from, from + 3_600_000, 6);
    assert.equal(interval, 10 * 60_000);
    assert.ok(ticks.length >= 5 && ticks.length <= 6);
    for (const t of ticks) {
      const d = new Date(t);
      assert.equal(d.getSeconds(), 0);
      assert.equal(d.getMinutes() % 10, 0);
      assert.ok(t >= from && t <= from + 3_600_000);
    }
  });

  it('over five minutes picks a minute, and seconds below that', () => {
    assert.equal(timeTicks(T0, T0 + 5 * 60_000, 6).interval, 60_000);
    assert.equal(timeTicks(T0, T0 + 50_000, 6).interval, 10_000);
  });

  it('over days puts ticks on local midnights', () => {
    const { ticks, interval } = timeTicks(T0, T0 + 5 * 86_400_000, 6);
    assert.equal(interval, 86_400_000);
    for (const t of ticks) assert.deepEqual([new Date(t).getHours(), new Date(t).getMinutes()], [0, 0]);
  });
});

describe('stacking', () => {
  const series = [
    { id: 'r', label: 'reads', values: [1, null, 3], kind: 'bar' as const, stack: 't', color: 'charts-blue' },
    { id: 'w', label: 'writes', values: [2, 5, null], kind: 'bar' as const, stack: 't', color: 'charts-red' },
    { id: 'p', label: 'alone', values: [4, 4, 4], kind: 'line' as const, color: 'charts-green' },
  ];

  it('piles series of one stack on each other and leaves others at zero', () => {
    const s = stackSeries(series, 3);
    assert.deepEqual(s[0], [[0, 1], null, [0, 3]]);
    assert.deepEqual(s[1], [[1, 3], [0, 5], null]);
    assert.deepEqual(s[2], [[0, 4], [0, 4], [0, 4]]);
  });

  it('scales to the top of the highest stack or threshold', () => {
    const s = stackSeries(series, 3);
    assert.equal(highest(s), 5);
    assert.equal(highest(s, [{ value: 12, label: 'provisioned' }]), 12);
  });
});

describe('paths', () => {
  it('breaks a line at a missing value', () => {
    const l = layout({ count: 4 });
    const d = linePath(l, [[0, 1], [0, 2], null, [0, 3]]);
    assert.equal((d.match(/M/g) ?? []).length, 2);
    const pts = pathPoints(d);
    assert.equal(pts.length, 3);
    // each point at its step's middle
    assert.ok(Math.abs(pts[0]![0] - xOf(l, T0 + 0.5 * l.step)) < 0.1);
    assert.ok(Math.abs(pts[2]![1] - yOf(l, 3)) < 0.1);
  });

  it('draws one bar per non-zero step, inside the plot, at least a pixel tall', () => {
    const l = layout({ count: 3, yMax: 1000 });
    const d = barPath(l, [[0, 0.01], [0, 0], [0, 1000]]);
    const bars = d.split('Z').filter(Boolean);
    assert.equal(bars.length, 2);
    for (const b of bars) {
      const [x, y] = b.match(/M(-?[\d.]+),(-?[\d.]+)V(-?[\d.]+)/)!.slice(1).map(Number) as [number, number, number];
      assert.ok(x >= plotLeft(l) && x <= plotRight(l));
      assert.ok(y <= plotBottom(l) + 0.1 && y >= plotTop(l) - 0.1);
    }
    const small = bars[0]!.match(/V(-?[\d.]+)/)!;
    assert.ok(plotBottom(l) - Number(small[1]) >= 1);
  });

  it('closes an area back along its bases', () => {
    const l = layout({ count: 2 });
    const d = areaPath(l, [[1, 2], [1, 3]]);
    const pts = pathPoints(d);
    assert.equal(pts.length, 4);
    assert.ok(d.endsWith('Z'));
    assert.ok(Math.abs(pts[3]![1] - yOf(l, 1)) < 0.1, 'back to the base');
  });
});

describe('keyboard stepping', () => {
  const start = T0;
  const step = 60_000;

  it('moves one step with the arrows and ten with the page keys, clamped to the data', () => {
    const at = start + 20 * step;
    assert.equal(stepTime('ArrowLeft', at, start, step, 60), start + 19 * step);
    assert.equal(stepTime('ArrowRight', at, start, step, 60), start + 21 * step);
    assert.equal(stepTime('PageUp', at, start, step, 60), start + 30 * step);
    assert.equal(stepTime('PageDown', at, start, step, 60), start + 10 * step);
    assert.equal(stepTime('PageDown', start + 3 * step, start, step, 60), start);
    assert.equal(stepTime('PageUp', start + 55 * step, start, step, 60), start + 59 * step);
  });

  it('goes to the ends with Home and End', () => {
    assert.equal(stepTime('Home', start + 20 * step, start, step, 60), start);
    assert.equal(stepTime('End', start + 20 * step, start, step, 60), start + 59 * step);
  });

  it('from a time between two steps goes first to the step start on that side', () => {
    const between = start + 20 * step + 25_000;
    assert.equal(stepTime('ArrowRight', between, start, step, 60), start + 21 * step);
    assert.equal(stepTime('ArrowLeft', between, start, step, 60), start + 20 * step);
  });

  it('with nothing picked starts at the latest step going back and at the first going forward', () => {
    assert.equal(stepTime('ArrowLeft', undefined, start, step, 60), start + 59 * step);
    assert.equal(stepTime('ArrowRight', undefined, start, step, 60), start);
  });
});

describe('what a person reads', () => {
  const data: TimeChartData = {
    start: T0,
    step: 10_000,
    yLabel: 'Write units per second',
    unit: 'WCU/s',
    series: [{ id: 'w', label: 'Consumed', values: [0, 2.5, 7, null], kind: 'line', color: '--vscode-charts-blue' }],
    thresholds: [{ value: 1, label: 'Provisioned' }],
    markers: [{ id: 'b1', label: 'Backup nightly', at: T0 + 12_000 }],
  };

  it('lists a step\'s figures and the markers inside its step', () => {
    const f = figuresAt(data, 1);
    assert.equal(f.at, T0 + 10_000);
    assert.deepEqual(f.rows.map((r) => r.value), [2.5]);
    assert.deepEqual(f.markers.map((m) => m.id), ['b1']);
    assert.deepEqual(figuresAt(data, 3).rows.map((r) => r.value), [null]);
    assert.equal(figuresAt(data, 0).markers.length, 0);
  });

  it('summarises the highest and latest figure, thresholds and markers', () => {
    const s = summarize(data, 'en-US');
    assert.match(s, /^Write units per second from /);
    assert.match(s, /Consumed: highest 7 WCU\/s at .*, latest 7 WCU\/s\./);
    assert.match(s, /Provisioned: 1 WCU\/s\./);
    assert.match(s, /1 marker\./);
  });

  it('names theme colour variables whichever way the series gives them', () => {
    assert.equal(colorVar('--vscode-charts-blue'), 'var(--vscode-charts-blue)');
    assert.equal(colorVar('charts-red'), 'var(--vscode-charts-red)');
  });
});
