// The webviews' CSP refuses `style` attributes (no 'unsafe-inline'), and Lit's styleMap writes one
// on an element's first render: a new grid row then had no position. Styles go through the CSSOM
// (webview/shared/styles.ts). This keeps the attribute from coming back into any webview source.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { dropdownSide } from '../../webview/shared/dropdowns';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('webview styles under a strict CSP', () => {
  it('no webview template writes a style attribute or uses styleMap', () => {
    const root = path.join(import.meta.dirname, '../../webview');
    const files = sources(root);
    assert.ok(files.length > 3, 'found the webview sources');
    const offenders = files.flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '');
      return [/\sstyle=/, /styleMap/, /setAttribute\(\s*['"]style['"]/].filter((re) => re.test(text)).map((re) => `${path.relative(root, f)}: ${re}`);
    });
    assert.deepEqual(offenders, []);
  });
});

describe('dropdowns stay inside the webview', () => {
  it('opens below when the list fits there', () => {
    assert.equal(dropdownSide({ top: 100, bottom: 126 }, 800, 13), 'below');
  });

  it('opens above when the list does not fit below and there is more room above', () => {
    assert.equal(dropdownSide({ top: 300, bottom: 326 }, 400, 4), 'above');
    assert.equal(dropdownSide({ top: 500, bottom: 526 }, 600, 13), 'above');
  });

  it('stays below when neither side fits and below has more room', () => {
    assert.equal(dropdownSide({ top: 40, bottom: 66 }, 200, 13), 'below');
  });
});
