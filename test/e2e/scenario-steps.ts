// Named steps of a Playwright scenario, shared by every scenario: each is timed, logged with ✔/✘,
// and on failure leaves a screenshot; the list becomes the RESULTS_JSON run.sh counts
// ({passes, failures, skipped, steps}). A failed step rethrows, so a scenario stops at the first
// failure (later steps build on it), unless `keepGoing` asks to run the rest (to see every step
// that fails in one run, e.g. before a fix).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { assertScreenSound, CspWatch } from './lib/layout-checks';

export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  skipped?: string;
  error?: string;
}

export interface StepOptions {
  /** Run later steps after a failure; `recover` puts the page back in a usable state first. */
  keepGoing?: { recover: () => Promise<void> };
}

export function scenarioSteps(page: Page, out: string, prefix: string, options: StepOptions = {}) {
  const steps: StepResult[] = [];
  // Every screenshot first passes the layout checks: no sideways scroll, no overlapping grid
  // rows, no CSP violation reported by a webview.
  const csp = new CspWatch(page);
  const picture = (name: string) => page.screenshot({ path: path.join(out, `${name}.png`) });
  // The picture is saved even when a check fails, so the failure can be seen.
  const shot = async (name: string) => {
    await picture(name);
    await assertScreenSound(page, csp, name);
  };
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t = Date.now();
    try {
      await fn();
      steps.push({ name, ok: true, ms: Date.now() - t });
      console.log(`  ✔ ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      steps.push({ name, ok: false, ms: Date.now() - t, error: String(e) });
      console.log(`  ✘ ${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      if (e instanceof Error) console.log(e.message.split('\n').slice(1, 16).map((l) => `      ${l}`).join('\n'));
      await picture(`${prefix}failure-${steps.length}`).catch(() => undefined);
      if (!options.keepGoing) throw e;
      await options.keepGoing.recover().catch(() => undefined);
    }
  };
  /** A step not run, and why (counted as skipped, never as passed). */
  const skip = (name: string, why: string): void => {
    steps.push({ name, ok: true, skipped: why, ms: 0 });
    console.log(`  - ${name} (skipped: ${why})`);
  };
  const counts = () => ({
    passes: steps.filter((s) => s.ok && !s.skipped).length,
    failures: steps.filter((s) => !s.ok).length,
    skipped: steps.filter((s) => s.skipped).length,
  });
  const writeResults = (file: string | undefined, failedOutside = false) => {
    const c = counts();
    if (file) fs.writeFileSync(file, JSON.stringify({ ...c, failures: c.failures || (failedOutside ? 1 : 0), steps }, null, 2));
  };
  /** Fails unless no webview has reported a CSP violation since the scenario began. */
  const assertNoCspViolations = async (): Promise<void> => {
    await csp.collect();
    if (csp.violations.length) throw new Error(`${csp.violations.length} CSP violations, the first: ${csp.violations[0]}`);
  };
  return { step, skip, shot, steps, counts, writeResults, csp, assertNoCspViolations };
}

export type ScenarioRunner = ReturnType<typeof scenarioSteps>;

/**
 * Runs a scenario's `main` and exits with its code, after writing the steps' results to
 * `resultsFile` (a failure outside any step counts as one) and one summary line.
 */
export function runScenario(name: string, main: () => Promise<number>, runner: () => ScenarioRunner | undefined, resultsFile: string | undefined, out: string | undefined): void {
  const started = Date.now();
  const end = (code: number): void => {
    const r = runner();
    const c = r?.counts() ?? { passes: 0, failures: 0, skipped: 0 };
    r?.writeResults(resultsFile, code !== 0);
    console.log(`${name} scenario: ${c.passes} steps passed, ${c.failures} failed, ${c.skipped} skipped, ${Date.now() - started} ms; screenshots in ${out}`);
    process.exit(code);
  };
  main().then(end, (e: unknown) => {
    console.error(e);
    end(1);
  });
}
