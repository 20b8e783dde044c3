// Checks every screenshot of the UI scenario runs on the real DOM of each visible webview:
//   * the page does not scroll sideways (the document's scrollWidth <= its clientWidth);
//   * no two visible grid rows overlap (bounding boxes, not DOM presence);
//   * no Content-Security-Policy violation was reported by a webview (console errors from the
//     frames, and `securitypolicyviolation` events once a frame has been seen).
// A check that finds a problem throws, so the step that took the screenshot fails.
import type { Frame, Page } from 'playwright-core';
import { visibleWebviewFrames } from './workbench';

const CSP_MESSAGE = /Content[- ]Security[- ]Policy|Refused to (apply|load|execute)/i;

/** Collects CSP violations from the page's console (all frames) and from listeners in webview frames. */
export class CspWatch {
  readonly violations: string[] = [];

  constructor(private readonly page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error' && CSP_MESSAGE.test(m.text())) this.violations.push(`${m.location().url}: ${m.text()}`);
    });
  }

  private reported = 0;

  /** Violations not returned by an earlier call: each one fails the first check that sees it. */
  async collectNew(): Promise<string[]> {
    await this.collect();
    const fresh = this.violations.slice(this.reported);
    this.reported = this.violations.length;
    return fresh;
  }

  /** Adds a `securitypolicyviolation` listener to each webview document (once), and reads what they saw. */
  async collect(): Promise<string[]> {
    for (const frame of await visibleWebviewFrames(this.page)) {
      const seen = await frame
        .evaluate(() => {
          const w = window as unknown as { __cspSeen?: string[] };
          if (!w.__cspSeen) {
            const list: string[] = (w.__cspSeen = []);
            document.addEventListener('securitypolicyviolation', (e) => list.push(`${e.violatedDirective} refused ${e.blockedURI || 'an inline value'} (${e.sourceFile}:${e.lineNumber})`));
          }
          return w.__cspSeen.splice(0);
        })
        .catch(() => [] as string[]);
      this.violations.push(...seen);
    }
    return this.violations;
  }
}

export interface LayoutReport {
  url: string;
  scrollWidth: number;
  clientWidth: number;
  rows: number;
  overlaps: string[];
}

/** Measures one webview document: sideways overflow, and grid rows that overlap in view. */
export async function measureLayout(frame: Frame): Promise<LayoutReport> {
  return frame.evaluate(() => {
    // No named functions in here: tsx (esbuild keepNames) would wrap them in a helper the page lacks.
    const rows: { index: string; top: number; bottom: number }[] = [];
    // grid rows live in shadow roots: walk every open one
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length) {
      for (const el of roots.pop()!.querySelectorAll<HTMLElement>('*')) {
        if (el.matches('[role="row"][data-index]')) {
          const r = el.getBoundingClientRect();
          const viewport = el.closest('[role="grid"]')?.getBoundingClientRect();
          const visible = r.height > 0 && (!viewport || (r.bottom > viewport.top && r.top < viewport.bottom));
          if (visible) rows.push({ index: el.dataset.index ?? '?', top: r.top, bottom: r.bottom });
        }
        if (el.shadowRoot) roots.push(el.shadowRoot);
      }
    }
    const overlaps: string[] = [];
    const sorted = [...rows].sort((a, b) => a.top - b.top);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (b.top < a.bottom - 0.5) overlaps.push(`row ${a.index} (${a.top.toFixed(0)}–${a.bottom.toFixed(0)}) and row ${b.index} (${b.top.toFixed(0)}–${b.bottom.toFixed(0)})`);
    }
    const doc = document.scrollingElement ?? document.documentElement;
    return { url: location.href, scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, rows: rows.length, overlaps };
  });
}

/** Every check a screenshot must pass; throws with what was found. */
export async function assertScreenSound(page: Page, csp: CspWatch, name: string): Promise<LayoutReport[]> {
  const problems: string[] = [];
  const reports: LayoutReport[] = [];
  for (const frame of await visibleWebviewFrames(page)) {
    // a webview that goes away while it is measured (a panel closing) has nothing left to check
    const r = await measureLayout(frame).catch((e: Error) => (/detached|destroyed|closed/i.test(e.message) ? undefined : Promise.reject(e)));
    if (!r) continue;
    reports.push(r);
    if (r.scrollWidth > r.clientWidth) problems.push(`the page scrolls sideways: ${r.scrollWidth} px of content in ${r.clientWidth} px`);
    if (r.overlaps.length) problems.push(`grid rows overlap: ${r.overlaps.slice(0, 5).join('; ')}${r.overlaps.length > 5 ? ` and ${r.overlaps.length - 5} more` : ''}`);
  }
  const violations = await csp.collectNew();
  if (violations.length) problems.push(`CSP violations: ${[...new Set(violations)].slice(0, 3).join(' | ')}`);
  if (problems.length) throw new Error(`screenshot ${name}: ${problems.join('; ')}`);
  return reports;
}
