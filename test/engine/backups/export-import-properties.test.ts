// Property: for any table of random items (every attribute type, numbers of any precision and
// magnitude DynamoDB takes, strings with quotes, escapes and non-ASCII, nested lists and maps),
// exporting it in DYNAMODB_JSON or ION and importing the export's data folder gives back exactly
// the same items: the formats lose nothing in either direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AttributeValue } from '../../../src/engine/types/attribute-value';
import { normalizeNumber } from '../../../src/engine/types/number';
import { Clock, enablePitr, liveItems, openMemory } from './pitr-helpers';
import { exportTable, importTable, keyedBy, settledExport, settledImport, withBuckets } from './transfer-helpers';

/** A number DynamoDB takes, in canonical form: up to 38 digits, magnitude 1E-130 to below 1E+126. */
const number = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 38n - 1n }), fc.integer({ min: -160, max: 120 }))
  .map(([negative, coefficient, exponent]) => `${negative ? '-' : ''}${coefficient}E${exponent}`)
  .filter((text) => {
    try {
      normalizeNumber(text);
      return true;
    } catch {
      return false;
    }
  })
  .map(normalizeNumber);
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', '\u0000', 'é', '😀', '$', '{', ':'), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })), maxLength: 12 });
const binary = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
const uniqueBy = <T>(arb: fc.Arbitrary<T>, key: (t: T) => string) => fc.uniqueArray(arb, { minLength: 1, maxLength: 4, selector: key });

const value: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text.map((S) => ({ S })),
    number.map((N) => ({ N })),
    binary.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    uniqueBy(text, (s) => s).map((SS) => ({ SS })),
    uniqueBy(number, (n) => n).map((NS) => ({ NS })),
    uniqueBy(binary, (b) => b).map((BS) => ({ BS })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('value'), { maxKeys: 3 }).map((M) => ({ M })),
  ),
})).value;

const items = fc.uniqueArray(
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((n) => n !== 'pk'), value, { maxKeys: 5 })),
  { maxLength: 15, selector: ([pk]) => pk },
);

test('exporting any table in DYNAMODB_JSON or ION and importing the export gives back the same items', { timeout: 10 * 60 * 1000 }, async () => {
  await fc.assert(
    fc.asyncProperty(items, fc.constantFrom('DYNAMODB_JSON' as const, 'ION' as const), async (rows, format) => {
      await withBuckets(async (root) => {
        const clock = new Clock();
        const db = await openMemory(clock, { bucketsRoot: root });
        try {
          await db.execute('CreateTable', keyedBy('Tab'));
          await enablePitr(db);
          for (const [pk, attributes] of rows) await db.execute('PutItem', { TableName: 'Tab', Item: { ...attributes, pk: { S: pk } } });
          clock.advance(1000);
          const exported = await settledExport(db, (await exportTable(db, { TableArn: db.table('Tab').meta.arn, S3Bucket: 'prop', ExportFormat: format })).ExportArn as string);
          assert.equal(exported.ExportStatus, 'COMPLETED', String(exported.FailureMessage));
          const id = (exported.ExportArn as string).split('/').pop();
          const imported = await settledImport(
            db,
            (await importTable(db, { S3BucketSource: { S3Bucket: 'prop', S3KeyPrefix: `AWSDynamoDB/${id}/data/` }, InputFormat: format, InputCompressionType: 'GZIP', TableCreationParameters: keyedBy('Copy') }))
              .ImportArn as string,
          );
          assert.equal(imported.ImportStatus, 'COMPLETED', String(imported.FailureMessage));
          assert.equal(imported.ErrorCount, 0);
          assert.deepEqual(liveItems(db, 'Copy'), liveItems(db, 'Tab'));
        } finally {
          await db.close();
        }
      });
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
  );
});
