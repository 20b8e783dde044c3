// TransactWriteItems and TransactGetItems replayed against answers recorded from DynamoDB Local
// 3.3.0 (fixtures/transactions-oracle.json, recorded by record-oracle.ts from oracle-cases.ts).
// Where DynamoDB itself answers otherwise, DynamoDB is the target: DIFFERENCES lists those cases,
// each with what DynamoDB answers and why, and the engine is checked against that instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { ORACLE_CASES } from './oracle-cases';
import { memoryDb } from '../helpers';

interface Recorded {
  label: string;
  op: string;
  expected: any;
}

const recorded: Recorded[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'transactions-oracle.json'), 'utf8'));

function sortDeep(v: any): any {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o: any = {};
    for (const k of Object.keys(v).sort()) o[k] = sortDeep(v[k]);
    return o;
  }
  return v;
}

const CONDITION_FAILED = 'The conditional request failed';

/** DynamoDB's form of a constraint message DynamoDB Local gives without its count and quotes. */
function constraint(local: { error: string; message: string }): { error: string; message: string } {
  const m = /^Value (.*) at '([^']*)' failed to satisfy constraint: (.*)$/.exec(local.message);
  assert.ok(m, `not a constraint message: ${local.message}`);
  const value = m[1] === 'null' ? 'null' : `'${m[1]}'`;
  return { error: local.error, message: `1 validation error detected: Value ${value} at '${m[2]}' failed to satisfy constraint: ${m[3]}` };
}

/** DynamoDB's reasons: its condition message has no final period (DynamoDB Local adds one to some). */
function reasonsWithoutPeriod(local: any): any {
  return { ...local, CancellationReasons: local.CancellationReasons.map((r: any) => (r.Message === `${CONDITION_FAILED}.` ? { ...r, Message: CONDITION_FAILED } : r)) };
}

/** The reasons DynamoDB gives when an action's update fails on the stored item (docs: "an item size becomes too large ... or a similar validation error occurs because of changes made by the transaction"). */
function canceled(codes: string[], message: string): any {
  return {
    error: 'TransactionCanceledException',
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    CancellationReasons: codes.map((c) => (c === 'None' ? { Code: 'None' } : c === 'ValidationError' ? { Code: c, Message: message } : { Code: c, Message: CONDITION_FAILED })),
  };
}

/** Transactional ConsumedCapacity as DynamoDB reports it: the Read/WriteCapacityUnits beside CapacityUnits. */
function transactional(local: any, kind: 'Read' | 'Write', units: Record<string, number> = {}): any {
  const member = `${kind}CapacityUnits`;
  return {
    ...local,
    ConsumedCapacity: local.ConsumedCapacity.map((c: any) => {
      const n = units[c.TableName] ?? c.CapacityUnits;
      const out: any = { ...c, CapacityUnits: n, [member]: n };
      if (c.Table) out.Table = { CapacityUnits: n, [member]: n };
      return out;
    }),
  };
}

const DIFFERENCES: Record<string, { why: string; dynamodb: (local: any) => any }> = {
  'ReturnConsumedCapacity TOTAL reports two units per item, per table': {
    why: 'DynamoDB charges a ConditionCheck as a transactional write of its item (DynamoDB Local charges it nothing) and reports WriteCapacityUnits',
    dynamodb: (l) => transactional(l, 'Write', { tx_h: 4 }),
  },
  'ReturnConsumedCapacity INDEXES reports the table units': { why: 'WriteCapacityUnits, as above', dynamodb: (l) => transactional(l, 'Write') },
  'the same request and token asking for capacity reports it': { why: 'a retry reads: ReadCapacityUnits', dynamodb: (l) => transactional(l, 'Read') },
  'gets report two read units per item': { why: 'ReadCapacityUnits beside CapacityUnits', dynamodb: (l) => transactional(l, 'Read') },
  'a failed condition cancels the whole transaction with reasons in action order': { why: 'no final period', dynamodb: reasonsWithoutPeriod },
  'ReturnValuesOnConditionCheckFailure ALL_OLD puts the item in its reason': { why: 'no final period', dynamodb: reasonsWithoutPeriod },
  'ALL_OLD on an absent item gives a reason without Item': { why: 'no final period', dynamodb: reasonsWithoutPeriod },
  'two failed conditions are both reported': { why: 'no final period', dynamodb: reasonsWithoutPeriod },
  'an update that puts a wrong type into an expression is a ValidationError reason': {
    why: 'the refusal depends on the stored item: DynamoDB cancels with a ValidationError reason',
    dynamodb: (l) => canceled(['None', 'ValidationError'], l.message),
  },
  'an item over 400 KB in an update is a ValidationError reason': { why: 'as above (the size comes from the stored item)', dynamodb: (l) => canceled(['None', 'ValidationError'], l.message) },
  'a condition failure and a validation error together': { why: 'both reasons, in action order', dynamodb: (l) => canceled(['ConditionalCheckFailed', 'ValidationError'], l.message) },
  'an empty TransactItems is refused': { why: 'DynamoDB counts and quotes constraint messages', dynamodb: constraint },
  'a condition check without a condition is refused': { why: 'as above', dynamodb: constraint },
  'a too long ClientRequestToken is refused': { why: 'as above', dynamodb: constraint },
  'more than 100 actions are refused': {
    why: 'DynamoDB gives the whole constraint message (the list is too long to spell here: checked by its end)',
    dynamodb: () => ({ error: 'ValidationException', endsWith: "at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100" }),
  },
  'more than 100 gets are refused': {
    why: 'as above',
    dynamodb: () => ({ error: 'ValidationException', endsWith: "at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100" }),
  },
  'an update without an update expression is refused': {
    why: 'UpdateExpression is required in an Update (service model); DynamoDB Local accepts its absence',
    dynamodb: () => ({ error: 'ValidationException', message: "1 validation error detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null" }),
  },
  'a bad ReturnValuesOnConditionCheckFailure is refused': {
    why: 'an enum of the service model; DynamoDB Local ignores it',
    dynamodb: () => ({ error: 'ValidationException', message: "1 validation error detected: Value 'ALL_NEW' at 'transactItems.1.member.conditionCheck.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]" }),
  },
  'an empty ClientRequestToken is refused': {
    why: 'the service model gives the token a length of 1 to 36',
    dynamodb: () => ({ error: 'ValidationException', message: "1 validation error detected: Value '' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 1" }),
  },
  'a bad ReturnConsumedCapacity is refused': {
    why: 'an enum of the service model, checked as every other operation checks it',
    dynamodb: () => ({ error: 'ValidationException', message: "1 validation error detected: Value 'SOME' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]" }),
  },
  'a put without the key is refused': {
    why: "PutItem's own message for an item without its key",
    dynamodb: () => ({ error: 'ValidationException', message: 'One or more parameter values were invalid: Missing the key pk in the item' }),
  },
  'a delete with a key of the wrong type is refused': {
    why: 'a malformed key is refused before the transaction runs, with the message of DeleteItem',
    dynamodb: () => ({ error: 'ValidationException', message: 'The provided key element does not match the schema' }),
  },
  'a get with a wrong key is refused': {
    why: 'as above, with the message of GetItem (DynamoDB Local answers TransactionCanceledException without reasons)',
    dynamodb: () => ({ error: 'ValidationException', message: 'The provided key element does not match the schema' }),
  },
  'the same token with another request is a mismatch': {
    why: 'DynamoDB Local gives no message; ours says what happened',
    dynamodb: () => ({ error: 'IdempotentParameterMismatchException', message: 'The request uses the same client token as a previous, but non-identical request.' }),
  },
  'an empty TransactItems is refused (TransactGetItems)': {
    why: 'the length constraint, as for TransactWriteItems (DynamoDB Local calls an empty list null)',
    dynamodb: () => ({ error: 'ValidationException', message: "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1" }),
  },
  'a get item without Get is refused': {
    why: 'Get is required in each element; DynamoDB names the member',
    dynamodb: () => ({ error: 'ValidationException', message: "1 validation error detected: Value null at 'transactItems.1.member.get' failed to satisfy constraint: Member must not be null" }),
  },
};

async function answer(db: Database, op: string, body: unknown): Promise<any> {
  try {
    return sortDeep(JSON.parse(JSON.stringify(await db.execute(op, structuredClone(body)))));
  } catch (e: any) {
    const out: any = { error: e.type, message: e.message };
    if (e.extra?.CancellationReasons) out.CancellationReasons = e.extra.CancellationReasons;
    return sortDeep(JSON.parse(JSON.stringify(out)));
  }
}

function differenceKey(label: string, op: string): string {
  return op === 'TransactGetItems' && label === 'an empty TransactItems is refused' ? `${label} (TransactGetItems)` : label;
}

test(`${recorded.length} recorded transaction cases answer as DynamoDB Local does, or as DynamoDB does where they differ`, async () => {
  assert.equal(recorded.length, ORACLE_CASES.filter((c) => !c.setup).length, 'the fixture was recorded from these cases: record again after changing them');
  const db = await memoryDb();
  const failures: string[] = [];
  const used = new Set<string>();
  let r = 0;
  for (const c of ORACLE_CASES) {
    const actual = await answer(db, c.op, c.body);
    if (c.setup) continue;
    const rec = recorded[r++]!;
    assert.equal(rec.label, c.label);
    const key = differenceKey(rec.label, rec.op);
    const difference = DIFFERENCES[key];
    if (difference) used.add(key);
    const expected = sortDeep(difference ? difference.dynamodb(rec.expected) : rec.expected);
    try {
      if (expected.endsWith !== undefined) {
        assert.equal(actual.error, expected.error);
        assert.ok(actual.message.endsWith(expected.endsWith), actual.message);
      } else {
        assert.deepEqual(actual, expected);
      }
    } catch {
      failures.push(`${rec.label}:\n  expected ${JSON.stringify(expected).slice(0, 400)}\n  got      ${JSON.stringify(actual).slice(0, 400)}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(Object.keys(DIFFERENCES).filter((k) => !used.has(k)), [], 'every listed difference names a recorded case');
  await db.close();
});
