import type { Operation } from './operation';
import { addItemCollectionMetrics } from '../indexes/writes';
import { compileRequest, hasConditionParameters } from './legacy';
import {
  CONDITIONAL_WRITE_MEMBERS, ConditionalCheckFailed, type ConditionalWriteInput,
  checkReturnValues, encodeKey,
} from './common';
import { ATTRIBUTE_MAP, required } from '../validation/members';

interface DeleteItemInput extends ConditionalWriteInput {
  Key: Record<string, unknown>;
}

export const deleteItem: Operation<DeleteItemInput> = {
  name: 'DeleteItem',
  members: {
    ...CONDITIONAL_WRITE_MEMBERS,
    Key: required(ATTRIBUTE_MAP),
  },
  run(db, input) {
    const returnValues = checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD'], 'ReturnValues can only be ALL_OLD or NONE');
    const expressions = hasConditionParameters(input) ? compileRequest('DeleteItem', input) : undefined;
    const table = db.table(input.TableName);
    const key = encodeKey(table, input.Key);
    const oldEncoded = table.get(key);
    const old = oldEncoded !== undefined ? table.codec.decode(oldEncoded) : undefined;
    if (expressions?.condition && !expressions.condition.evaluate(old)) {
      db.capacity.conditionFailed('DeleteItem', table, key, oldEncoded);
      throw ConditionalCheckFailed(input.ReturnValuesOnConditionCheckFailure, old);
    }
    const out: Record<string, unknown> = {};
    if (returnValues === 'ALL_OLD' && old) out.Attributes = old;
    const cc = db.capacity.write('DeleteItem', input, table, key, oldEncoded, undefined, 0);
    if (cc) out.ConsumedCapacity = cc;
    const done = oldEncoded === undefined ? undefined : db.commit([{ kind: 'delete', tableId: table.meta.id, key, old: oldEncoded }]);
    addItemCollectionMetrics(out, input, table, key);
    return done === undefined ? out : done.then(() => out);
  },
};
