// What a Stream, TTL or Backups row says when reading its feature fails: an API the database does
// not have is said plainly (the workspace database: "not yet"; a remote service such as DynamoDB
// Local: not offered), any other failure shows its error type, with the message in the hover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError } from '../../../src/extension/connection';
import { NOT_YET_AVAILABLE, NOT_YET_AVAILABLE_SHORT, rowFailure } from '../../../src/extension/features';

const remote = { kind: 'remote' as const, label: 'DynamoDB Local' };
const workspace = { kind: 'workspace' as const, label: 'my-folder' };

test('an unknown operation on a remote service says the service does not offer the feature', () => {
  const unknown = new ConnectionError('UnknownOperationException', 'An unknown operation was requested.');
  assert.deepEqual(rowFailure(remote, unknown, 'backups'), {
    kind: 'missing',
    text: 'not offered by this database',
    tooltip: 'DynamoDB Local does not offer backups: it answers that API as an unknown operation. DynamoDB itself does; DynamoDB Local, for one, does not.',
  });
});

test('a "not supported" message counts as a missing API too, and the workspace database says "not yet"', () => {
  const unsupported = new ConnectionError('ValidationException', 'ListBackups is not supported');
  assert.deepEqual(rowFailure(workspace, unsupported, 'backups'), { kind: 'missing', text: NOT_YET_AVAILABLE_SHORT, tooltip: NOT_YET_AVAILABLE });
});

test('any other failure shows its type in the row and its message in the hover', () => {
  const gone = new ConnectionError('ResourceNotFoundException', 'Requested resource not found: Table: Orders not found');
  assert.deepEqual(rowFailure(remote, gone, 'point-in-time recovery'), {
    kind: 'error',
    text: 'error: ResourceNotFoundException',
    tooltip: 'ResourceNotFoundException: Requested resource not found: Table: Orders not found',
  });
});
