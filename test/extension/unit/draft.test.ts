// Table drafts handed to the create-table command from outside the form: wrong fields and types
// are reported as problems, never reach validateDraft (whose string methods would throw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_DRAFT, draftFromPartial, validateDraft } from '../../../src/protocol/table-designer';

test('a partial draft is filled from the empty draft', () => {
  const { draft, problems } = draftFromPartial({ tableName: 'Orders', partitionKey: 'id', billingMode: 'PROVISIONED' });
  assert.deepEqual(problems, []);
  assert.deepEqual(draft, { ...EMPTY_DRAFT, tableName: 'Orders', partitionKey: 'id', billingMode: 'PROVISIONED' });
  assert.deepEqual(validateDraft(draft!), []);
});

test('fields of the wrong type or unknown fields are problems, not exceptions', () => {
  const { draft, problems } = draftFromPartial({ tableName: 42, partitionKey: null, colour: 'red', indexes: [{ name: 1 }] });
  assert.equal(draft, undefined);
  assert.deepEqual(problems.map((p) => p.field).sort(), ['colour', 'indexes', 'partitionKey', 'tableName']);
  assert.match(problems.find((p) => p.field === 'tableName')!.message, /must be a string/);
});
