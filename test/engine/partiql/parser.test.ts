// The PartiQL grammar (src/engine/partiql/parser.ts header): what it builds, and that anything
// outside it is DynamoDB's "not well formed" refusal rather than a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseStatement } from '../../../src/engine/partiql';
import { DynamoDBError } from '../../../src/engine/errors';

test('keywords are read without case, names keep theirs, and quotes double to escape', () => {
  const { statement, parameters } = parseStatement(`select "we""ird", b.c[2] FROM "My""Table" where A = 'it''s' AnD b = ?`);
  assert.equal(parameters, 1);
  assert.equal(statement.kind, 'select');
  if (statement.kind !== 'select') return;
  assert.equal(statement.table, 'My"Table');
  assert.deepEqual(statement.projection?.map((p) => p.steps), [[{ name: 'we"ird' }], [{ name: 'b' }, { name: 'c' }, { index: 2 }]]);
  assert.deepEqual(statement.where, {
    k: 'and',
    left: { k: 'compare', op: '=', left: { k: 'path', steps: [{ name: 'A' }] }, right: { k: 'value', value: { S: "it's" } } },
    right: { k: 'compare', op: '=', left: { k: 'path', steps: [{ name: 'b' }] }, right: { k: 'param', index: 0, at: '1:69' } },
  });
});

test('UPDATE takes several SET and REMOVE clauses and a RETURNING, and refuses a comma after REMOVE', () => {
  const { statement } = parseStatement("UPDATE t SET a = a + 1, b = list_append(b, [1]) REMOVE c REMOVE d.e SET f = -2.5e3 WHERE k = 1 RETURNING MODIFIED OLD *");
  assert.equal(statement.kind, 'update');
  if (statement.kind !== 'update') return;
  assert.equal(statement.sets.length, 3);
  assert.deepEqual(statement.removes.map((p) => p.steps.length), [1, 2]);
  assert.deepEqual(statement.sets[2].value, { k: 'value', value: { N: '-2.5e3' } });
  assert.equal(statement.returning, 'UPDATED_OLD');
  assert.throws(() => parseStatement('UPDATE t REMOVE a, b WHERE k = 1'), /Statement wasn't well formed, can't be processed: UPDATE t REMOVE a, b WHERE k = 1/);
});

test('literals: maps, lists, bags, booleans, NULL; NOT BETWEEN, NOT IN and IS NOT MISSING', () => {
  const { statement } = parseStatement("INSERT INTO t VALUE {'a': [1, 'x', TRUE, null], 'b': <<'p', 'q'>>, 'c': {}}");
  assert.equal(statement.kind, 'insert');
  const { statement: s } = parseStatement('SELECT * FROM t WHERE NOT a BETWEEN 1 AND 2 AND b NOT IN [1, 2] AND c IS NOT MISSING');
  assert.equal(s.kind, 'select');
  if (s.kind !== 'select') return;
  assert.equal(JSON.stringify(s.where).match(/"k":"not"/g)?.length, 2);
  assert.match(JSON.stringify(s.where), /"k":"missing","operand":\{"k":"path","steps":\[\{"name":"c"\}\]\},"negated":true/);
});

test('any text outside the grammar is a ValidationException naming the statement, never another error', () => {
  const words = ['SELECT', '*', 'FROM', 't', 'WHERE', 'a', '=', "'x'", '?', 'AND', 'OR', '(', ')', '[', ']', '{', '}', ',', '.', '<<', '>>', 'UPDATE', 'SET', 'REMOVE', 'DELETE', 'INSERT', 'INTO', 'VALUE', '1', '"q"', 'RETURNING', 'ALL', 'NEW', 'EXISTS', 'IS', 'MISSING', 'NOT', ':', '"', "'", '#', '@'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...words), { maxLength: 14 }), (parts) => {
      const text = parts.join(' ');
      try {
        parseStatement(text);
      } catch (e) {
        assert.ok(e instanceof DynamoDBError && e.type === 'ValidationException', `${text}: ${e}`);
      }
    }),
    { numRuns: 3000 },
  );
});
