// package.json against the code: the commands it declares are exactly those of commands/ids.ts,
// its menus name only declared commands, and its `viewItem` clauses and the tree's context values
// match both ways. A renamed command or row kind that one side forgot fails here, in plain Node,
// instead of as a menu that silently never shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/extension/commands/ids';
import { CONTEXT_VALUES } from '../../../src/extension/tree/context-values';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string; when?: string }[]> };
};
const declared = manifest.contributes.commands.map((c) => c.command);
const ids = Object.values(COMMANDS) as string[];

test('every command id in ids.ts is declared in package.json, and every declared command is in ids.ts', () => {
  assert.deepEqual(ids.filter((id) => !declared.includes(id)), [], 'ids missing from package.json');
  assert.deepEqual(declared.filter((c) => !ids.includes(c)), [], 'declared commands missing from ids.ts');
  assert.equal(new Set(ids).size, ids.length, 'no id appears twice in ids.ts');
});

test('every menu entry names a declared command', () => {
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const entry of entries) assert.ok(declared.includes(entry.command), `${menu}: ${entry.command} is declared`);
  }
});

test("the menus' viewItem clauses and the tree's context values match both ways", () => {
  const known = Object.values(CONTEXT_VALUES) as string[];
  const used = new Set<string>();
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const entry of entries) {
      for (const m of (entry.when ?? '').matchAll(/viewItem\s*==\s*([\w.-]+)/g)) {
        assert.ok(known.includes(m[1]!), `${menu}: viewItem ${m[1]} is a context value of the tree`);
        used.add(m[1]!);
      }
      for (const m of (entry.when ?? '').matchAll(/viewItem\s*=~\s*\/(.+?)\//g)) {
        const re = new RegExp(m[1]!);
        const matched = known.filter((v) => re.test(v));
        assert.ok(matched.length, `${menu}: viewItem =~ /${m[1]}/ matches a context value of the tree`);
        for (const v of matched) used.add(v);
      }
    }
  }
  assert.deepEqual(known.filter((v) => !used.has(v)), [], 'every context value of the tree has a menu');
});

test('the extension refers to its commands through ids.ts, never by a string of its own', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(path.join('commands', 'ids.ts'))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/['"`](dynamoWorkspace\.[\w.]+)['"`]/g)) if (ids.includes(m[1]!)) offenders.push(`${path.relative(root, file)}: ${m[1]}`);
      }
    }
  };
  walk(path.join(root, 'src', 'extension'));
  assert.deepEqual(offenders, []);
});
