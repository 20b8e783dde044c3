// Where benchmark results go: bench/results/ of the repository, whether a benchmark runs from
// source (tsx) or bundled into dist/bench/ (as `npm run bench` runs it).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function resultsDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'bench', 'results');
}

/** A benchmark's result as indented JSON: printed on stdout and written to bench/results/`file`. */
export function report(file: string, result: unknown): void {
  const json = JSON.stringify(result, null, 2) + '\n';
  process.stdout.write(json);
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), json);
}
