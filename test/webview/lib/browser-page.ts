// Webview code in a real Chromium without VS Code: a page bundled from one entry file, under the
// CSP every panel gets (nonce scripts and styles, no style attributes), with the dark theme's
// colour variables, and a record of CSP violations (window.cspViolations).
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.VSCODE_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(import.meta.dirname, '../../../test-artifacts/webview');

const THEME = `:root{--vscode-foreground:#ccc;--vscode-descriptionForeground:#9d9d9d;--vscode-editor-background:#1e1e1e;
--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;
--vscode-charts-purple:#b180d7;--vscode-charts-yellow:#cca700;--vscode-focusBorder:#007fd4;--vscode-editorHoverWidget-background:#252526;
--vscode-editorHoverWidget-border:#454545;--vscode-editorWidget-border:#454545;--vscode-font-family:sans-serif;--vscode-font-size:13px;
--vscode-button-background:#0e639c;--vscode-button-foreground:#fff;--vscode-button-secondaryBackground:#3a3d41;--vscode-button-secondaryForeground:#ccc}
body{background:var(--vscode-editor-background);color:var(--vscode-foreground);font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);margin:0}`;

/**
 * The page's HTML: `body` as given, then `entry` bundled. `preamble` runs first (a stand-in for
 * VS Code's acquireVsCodeApi, say).
 */
export async function pageHtml(entry: string, body: string, preamble = ''): Promise<string> {
  const out = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' });
  const nonce = 'n0nce';
  const script = out.outputFiles[0]!.text.replace(/<\/script/g, '<\\/script');
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">${THEME}</style></head><body>
<script nonce="${nonce}">window.cspViolations=[];document.addEventListener('securitypolicyviolation',e=>window.cspViolations.push(e.violatedDirective+' '+e.blockedURI));${preamble}</script>
${body}
<script type="module" nonce="${nonce}">${script}</script></body></html>`;
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

export interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  yMax: number;
}

/** The plot rectangle of a <dw-time-chart> in page pixels, and its y scale, read from the element. */
export async function plotRect(page: Page, selector: string): Promise<Rect> {
  return page.locator(selector).evaluate((el: any) => {
    const l = el.layout;
    const box = el.shadowRoot.querySelector('.plot-area').getBoundingClientRect();
    return { left: box.left + l.margins.left, right: box.left + l.width - l.margins.right, top: box.top + l.margins.top, bottom: box.top + l.height - l.margins.bottom, yMax: l.yMax };
  });
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fails unless the box has a size and lies within the rectangle (to a pixel and a half). */
export function assertInside(b: Box | null, r: Omit<Rect, 'yMax'>, what: string, fail: (message: string) => never): void {
  if (!b) fail(`${what} is not drawn`);
  const tol = 1.5;
  if (!(b.width > 0 && b.height > 0)) fail(`${what} has no size`);
  if (!(b.x >= r.left - tol && b.x + b.width <= r.right + tol)) fail(`${what} [${b.x}, ${b.x + b.width}] is not within x [${r.left}, ${r.right}]`);
  if (!(b.y >= r.top - tol && b.y + b.height <= r.bottom + tol)) fail(`${what} [${b.y}, ${b.y + b.height}] is not within y [${r.top}, ${r.bottom}]`);
}

/** y of a value on the chart's scale, in page pixels. */
export function yAt(r: Rect, value: number): number {
  return r.bottom - (value / r.yMax) * (r.bottom - r.top);
}

/** VS Code's webview API, played by the page: requests go to the test through `hostRequest`. */
const VSCODE_API = `window.__state=undefined;window.acquireVsCodeApi=()=>({
  postMessage:(m)=>{if(m.kind==='request')window.hostRequest(m).then(r=>window.postMessage(r,'*'));else if(m.kind==='notification')window.hostNotify(m);},
  getState:()=>window.__state,setState:(s)=>{window.__state=s;}});`;

/** How the test plays a panel host: a request's method and params in, its result out (a throw is an error response). */
export type HostAnswer = (method: string, params: any) => unknown;

/** A panel's page (`entry` bundled, `body` as given) whose host requests `answer` answers; each request is noted in `seen`. */
export async function openPanelPage(
  browser: Browser,
  entry: string,
  body: string,
  answer: HostAnswer,
  seen: { method: string; params: any }[] = [],
  viewport = { width: 1100, height: 700 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.exposeFunction('hostRequest', async (m: { id: number; method: string; params: any }) => {
    seen.push({ method: m.method, params: m.params });
    try {
      return { kind: 'response', id: m.id, result: await answer(m.method, m.params) };
    } catch (e) {
      const err = e as Error & { type?: string };
      return { kind: 'response', id: m.id, error: { type: err.type ?? err.name, message: err.message } };
    }
  });
  await page.exposeFunction('hostNotify', () => undefined);
  await page.setContent(await pageHtml(entry, body, VSCODE_API));
  return page;
}
