// Playwright helpers for the VS Code web workbench served by scripts/vscode-server.sh, driven in
// Debian's chromium through playwright-core (which never downloads a browser of its own).
//
// How webviews appear in the DOM: each visible webview is an <iframe class="webview ready"> laid
// over the editor area, and the extension's own document lives in its inner <iframe id="active-frame">.
// Without retainContextWhenHidden the iframes of hidden webviews are removed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-dev-shm-usage',
  '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--no-pings',
  // the flags above still leave an update lookup; resolve nothing but loopback
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export async function launchBrowser(options: { headless?: boolean; executablePath?: string } = {}): Promise<Browser> {
  const profileHome = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? process.env.VSCODE_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: options.headless ?? true,
    args: CHROMIUM_FLAGS,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profileHome, 'config'), XDG_CACHE_HOME: path.join(profileHome, 'cache') },
  });
  browser.on('disconnected', () => fs.rmSync(profileHome, { recursive: true, force: true }));
  return browser;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A page whose requests to anything but loopback are refused; `offLoopback` lists them. */
export async function newPage(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<{ context: BrowserContext; page: Page; offLoopback: string[] }> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {}).catch(() => undefined);
  const offLoopback: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (/^(https?|wss?):$/.test(url.protocol) && !LOOPBACK.has(url.hostname)) {
      offLoopback.push(url.href);
      return route.abort();
    }
    return route.continue();
  });
  return { context, page: await context.newPage(), offLoopback };
}

export async function openWorkbench(page: Page, url: string, ready?: (page: Page) => Locator, timeout = 60_000): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout });
  if (ready) await ready(page).waitFor({ timeout });
}

const quoted = (s: string) => JSON.stringify(s);

/** The activity-bar entry of a view container (its `title`). */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator(`.part.activitybar a.action-label[aria-label^=${quoted(title)}]`);
}

/** A tree row in the side bar by its exact label (VS Code pads aria-labels, so match by role name). */
export function sideBarTreeItem(page: Page, label: string | RegExp): Locator {
  return page.locator('.part.sidebar').getByRole('treeitem', typeof label === 'string' ? { name: label, exact: true } : { name: label });
}

/** Runs a palette command by (part of) its title. */
export async function runCommand(page: Page, title: string, timeout = 15_000): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout });
  await row.click();
}

/**
 * VS Code's own Developer: Reload Window (it saves the window's state as it goes; a browser reload
 * may cut that write short), resolved once the new page has loaded: waiting for the workbench
 * alone can find the old page and then lose its execution context.
 */
export async function reloadWindow(page: Page): Promise<void> {
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
}

/**
 * Runs an entry of the context menu `row` opens. A click that lands while the menu is still being
 * laid out is dropped (the entry is then only highlighted): hover first, then click, again while
 * the entry still shows.
 */
export async function contextMenuEntry(page: Page, row: Locator, entry: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: entry }).first();
  await item.waitFor({ timeout: 10_000 });
  for (let i = 0; i < 3 && (await item.isVisible()); i++) {
    await item.hover();
    await page.waitForTimeout(150);
    await item.click({ timeout: 2_000 }).catch(() => undefined);
    await page.waitForTimeout(300);
  }
  if (await item.isVisible()) throw new Error(`the context menu entry ${entry} did not run`);
}

/** The quick input box (showInputBox / showQuickPick). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** Content of the index-th visible webview. */
export function webview(page: Page, index = 0): FrameLocator {
  return page.locator('iframe.webview.ready:visible').nth(index).contentFrame().locator('#active-frame').contentFrame();
}

/** The extension's documents inside the visible webviews (the inner #active-frame of each). */
export async function visibleWebviewFrames(page: Page): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (const host of await page.locator('iframe.webview.ready:visible').elementHandles()) {
    const outer = await host.contentFrame();
    const inner = outer && (await (await outer.$('#active-frame'))?.contentFrame());
    if (inner) frames.push(inner);
  }
  return frames;
}

/** The Frame (for evaluate) of the first visible webview containing `selector`. */
export async function webviewFrame(page: Page, selector?: string, timeout = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const inner of await visibleWebviewFrames(page)) if (!selector || (await inner.$(selector))) return inner;
    if (Date.now() > deadline) throw new Error(`no visible webview${selector ? ` with ${selector}` : ''} within ${timeout} ms`);
    await page.waitForTimeout(150);
  }
}

/**
 * Opens a test URL (scripts/vscode-server.sh --dev … --tests …): the workbench runs the test entry's
 * run() in the extension host, forwards the host's console through window.codeAutomationLog and
 * reports the outcome through window.codeAutomationExit(code). Resolves to that code (124 on timeout).
 */
export async function runExtensionTests(testUrl: string, options: { timeout?: number; log?: (line: string) => void } = {}): Promise<number> {
  const timeout = options.timeout ?? 300_000;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const noise = /gallery as it is disabled|vsda|same-origin iframe/;
  const browser = await launchBrowser();
  try {
    const { page } = await newPage(browser);
    let done!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (done = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      if (!noise.test(line)) log(type === 'error' ? `[extension host error] ${line}` : line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => done(code));
    await page.goto(testUrl);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(124), timeout)))]);
    clearTimeout(timer);
    if (code === 124) log(`extension tests still running after ${timeout} ms`);
    return code;
  } finally {
    await browser.close();
  }
}
