// Table, backup and recovery-period checks as DynamoDB makes them, and the default name of a
// restored table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NAME_PATTERN, backupNameProblem, defaultBackupName, recoveryPeriodProblem, restoredTableName, tableNameProblem } from '../../src/protocol/names';

test('table names of 3 to 255 letters, digits, _ . - pass; others say what is wrong', () => {
  assert.equal(tableNameProblem('Orders-restored_1.2'), undefined);
  assert.match(tableNameProblem('ab')!, /3 to 255 characters long \(this one has 2\)/);
  assert.match(tableNameProblem('x'.repeat(256))!, /this one has 256/);
  assert.match(tableNameProblem('Orders 2024/1')!, /\(not a space, "\/"\)$/);
  assert.match(tableNameProblem('Orders', ['Orders'])!, /already exists/);
  assert.match(backupNameProblem('b!')!, /Backup names are 3 to 255/);
});

test('a name passes the check exactly when it matches the pattern DynamoDB uses', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (name) => assert.equal(tableNameProblem(name) === undefined, NAME_PATTERN.test(name))));
});

test('a recovery period is a whole number of days from 1 to 35', () => {
  for (const ok of ['1', '35', ' 7 ']) assert.equal(recoveryPeriodProblem(ok), undefined, ok);
  for (const bad of ['0', '36', '7.5', '-1', '', 'ten', '1e1']) assert.ok(recoveryPeriodProblem(bad), bad);
});

test('the restored table is named <table>-restored-HHMM at local time, numbered past existing tables', () => {
  const at = new Date(2026, 11, 6, 14, 32);
  assert.equal(restoredTableName('Orders', at), 'Orders-restored-1432');
  assert.equal(restoredTableName('Orders', at, ['Orders-restored-1432']), 'Orders-restored-1432-2');
  assert.equal(restoredTableName('Orders', at, ['Orders-restored-1432', 'Orders-restored-1432-2']), 'Orders-restored-1432-3');
  assert.equal(defaultBackupName('Orders', at), 'Orders-20261206-1432');
});

test('default names are always valid and new, however long the source name', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-zA-Z0-9_.-]{3,255}$/), fc.date({ min: new Date(2000, 0, 1), max: new Date(2100, 0, 1), noInvalidDate: true }), fc.array(fc.constantFrom(0, 1, 2)), (source, at, taken) => {
      const existing: string[] = [];
      for (const _ of taken) existing.push(restoredTableName(source, at, existing));
      const name = restoredTableName(source, at, existing);
      assert.equal(tableNameProblem(name, existing), undefined);
      assert.equal(backupNameProblem(defaultBackupName(source, at)), undefined);
    }),
  );
});
