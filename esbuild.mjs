// Bundles the CLI (and, once they exist, the extension and the webview apps).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning' };
const builds = [
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20',
    banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync('src/extension.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node',
    format: 'cjs', target: 'node20', external: ['vscode'] });
}
// Each webview app (webview/<panel>/main.ts) -> dist/webview/<panel>.js, for the browser.
if (existsSync('webview')) {
  for (const panel of readdirSync('webview', { withFileTypes: true })) {
    if (!panel.isDirectory() || !existsSync(`webview/${panel.name}/main.ts`)) continue;
    builds.push({ ...common, entryPoints: [`webview/${panel.name}/main.ts`], outfile: `dist/webview/${panel.name}.js`,
      platform: 'browser', format: 'esm', target: 'es2022', minify: !watch });
  }
  // codicons (the font and its stylesheet) and the shared webview stylesheet
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);
  if (existsSync('media/webview.css')) {
    mkdirSync('dist/webview', { recursive: true });
    copyFileSync('media/webview.css', 'dist/webview/base.css');
  }
}
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
