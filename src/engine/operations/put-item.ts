import type { Operation } from './operation';
import { addItemCollectionMetrics, checkIndexKeysForPut, checkItemCollection } from '../indexes/writes';
import { compileRequest, hasConditionParameters } from './legacy';
import { normalizeItem, itemSize } from '../types/attribute-validation';
import type { Item } from '../types/attribute-value';
import {
  CONDITIONAL_WRITE_MEMBERS, ConditionalCheckFailed, type ConditionalWriteInput,
  checkItemKey, checkItemSize, checkReturnValues,
} from './common';
import { ATTRIBUTE_MAP, required } from '../validation/members';

interface PutItemInput extends ConditionalWriteInput {
  Item: Record<string, unknown>;
}

export const putItem: Operation<PutItemInput> = {
  name: 'PutItem',
  members: {
    ...CONDITIONAL_WRITE_MEMBERS,
    Item: required(ATTRIBUTE_MAP),
  },
  run(db, input) {
    const item = normalizeItem(input.Item);
    const returnValues = checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD'], 'ReturnValues can only be ALL_OLD or NONE');
    const expressions = hasConditionParameters(input) ? compileRequest('PutItem', input) : undefined;
    const table = db.table(input.TableName);
    checkItemKey(table, item);
    checkIndexKeysForPut(table, item);
    const size = itemSize(item);
    checkItemSize(size);
    const key = table.keyOf(item);
    const oldEncoded = table.get(key);
    const needOld = returnValues === 'ALL_OLD' || expressions?.condition !== undefined;
    const old: Item | undefined = needOld && oldEncoded !== undefined ? table.codec.decode(oldEncoded) : undefined;
    if (expressions?.condition && !expressions.condition.evaluate(old)) {
      db.capacity.conditionFailed('PutItem', table, key, oldEncoded);
      throw ConditionalCheckFailed(input.ReturnValuesOnConditionCheckFailure, old);
    }
    const cc = db.capacity.write('PutItem', input, table, key, oldEncoded, item, size);
    checkItemCollection(db.options.itemCollectionLimitBytes, table, key, oldEncoded, item, size);
    const added = { names: [], shapes: [] };
    const encoded = table.codec.encode(item, size, added);
    const done = db.commit([{ kind: 'put', tableId: table.meta.id, key, item: encoded, old: oldEncoded, added }]);
    const out: Record<string, unknown> = {};
    if (returnValues === 'ALL_OLD' && old) out.Attributes = old;
    if (cc) out.ConsumedCapacity = cc;
    addItemCollectionMetrics(out, input, table, key);
    return done.then(() => out);
  },
};
