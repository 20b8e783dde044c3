// Shared pieces of the engine's node tests: the error assertions and the database openers that
// every suite used to write for itself (test/engine/*/helpers.ts build on these).
//
// - refusal(p): p (a promise, or a function returning one) must reject with a DynamoDBError;
//   returns it, for tests that look at it themselves.
// - rejects(p, type, message?): as refusal, and the error's type is `type`; its message equals
//   `message` (a string) or matches it (a RegExp); no message: the type alone is checked. Returns
//   the error for further checks (extra members, a second message part). `context` (the
//   operation, the input) starts every failure message, to tell table-driven cases apart.
// - throws(fn, type, message?): the synchronous twin of rejects, for the parsers and validators.
// - memoryDb(options?): an in-memory Database; options are passed through unchanged.
// - tempDir(prefix): a fresh folder under the system temp folder, removed when the test process
//   exits (many tests leave theirs behind on a failure, or on purpose to reopen it).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { Database, type DatabaseOptions } from '../../src/engine/database';
import { DynamoDBError } from '../../src/engine/errors';

const show = (v: unknown): string => inspect(v, { depth: 4, breakLength: Infinity });
const expectation = (type: string, message?: string | RegExp): string => (message === undefined ? type : `${type}: ${typeof message === 'string' ? JSON.stringify(message) : String(message)}`);

const prefix = (context?: string): string => (context === undefined ? '' : `${context}: `);

function asDynamoDBError(e: unknown, wanted: string): DynamoDBError {
  assert.ok(e instanceof DynamoDBError, `expected a DynamoDBError (${wanted}), got ${show(e)}`);
  return e;
}

function check(e: DynamoDBError, type: string, message: string | RegExp | undefined, context: string | undefined): DynamoDBError {
  const failure = `${prefix(context)}expected ${expectation(type, message)}, got ${e.type}: ${JSON.stringify(e.message)}`;
  assert.equal(e.type, type, failure);
  if (typeof message === 'string') assert.equal(e.message, message, failure);
  else if (message) assert.match(e.message, message, failure);
  return e;
}

/** `p` must reject with a DynamoDBError, which is returned. */
export async function refusal(p: Promise<unknown> | (() => Promise<unknown>), wanted = 'a refusal'): Promise<DynamoDBError> {
  let value: unknown;
  try {
    value = await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return asDynamoDBError(e, wanted);
  }
  assert.fail(`expected ${wanted}, but it resolved to ${show(value)}`);
}

/** `p` must reject with a DynamoDBError of `type` (and `message`: exactly if a string, matched if a RegExp). */
export async function rejects(p: Promise<unknown> | (() => Promise<unknown>), type: string, message?: string | RegExp, context?: string): Promise<DynamoDBError> {
  return check(await refusal(p, `${prefix(context)}${expectation(type, message)}`), type, message, context);
}

/** `fn` must throw a DynamoDBError of `type` (and `message`, as for rejects). */
export function throws(fn: () => unknown, type: string, message?: string | RegExp, context?: string): DynamoDBError {
  let value: unknown;
  try {
    value = fn();
  } catch (e) {
    return check(asDynamoDBError(e, `${prefix(context)}${expectation(type, message)}`), type, message, context);
  }
  assert.fail(`${prefix(context)}expected ${expectation(type, message)}, but it returned ${show(value)}`);
}

export function memoryDb(options: DatabaseOptions = {}): Promise<Database> {
  return Database.open('', { inMemory: true, ...options });
}

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder `<tmp>/<prefix>XXXXXX`, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
