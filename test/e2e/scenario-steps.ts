// Named steps of a Playwright scenario: each is timed, logged with ✔/✘, and on failure leaves a
// screenshot; the list becomes the RESULTS_JSON run.sh counts ({passes, failures, skipped, steps}).
// A failed step rethrows, so a scenario stops at the first failure (later steps build on it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export function scenarioSteps(page: Page, out: string, prefix: string) {
  const steps: StepResult[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(out, `${name}.png`) });
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t = Date.now();
    try {
      await fn();
      steps.push({ name, ok: true, ms: Date.now() - t });
      console.log(`  ✔ ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      steps.push({ name, ok: false, ms: Date.now() - t, error: String(e) });
      console.log(`  ✘ ${name}: ${e instanceof Error ? e.message.split('\n').slice(0, 8).join('\n      ') : String(e)}`);
      await shot(`${prefix}failure-${steps.length}`).catch(() => undefined);
      throw e;
    }
  };
  const writeResults = (file: string | undefined) => {
    const passes = steps.filter((s) => s.ok).length;
    if (file) fs.writeFileSync(file, JSON.stringify({ passes, failures: steps.length - passes, skipped: 0, steps }, null, 2));
  };
  return { step, shot, writeResults };
}
