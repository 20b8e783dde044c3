import type { Operation } from './operation';
import { addItemCollectionMetrics, checkIndexKeysForUpdate, checkItemCollection } from '../indexes/writes';
import { compileRequest } from './legacy';
import { itemSize } from '../types/attribute-validation';
import type { Item } from '../types/attribute-value';
import {
  CONDITIONAL_WRITE_MEMBERS, ConditionalCheckFailed, type ConditionalWriteInput,
  checkItemSize, checkReturnValues, parseKey, pick,
} from './common';
import { ATTRIBUTE_MAP, ATTRIBUTE_UPDATES_MAP, EXPRESSION, required } from '../validation/members';
import { invalidParameter } from '../errors';

interface UpdateItemInput extends ConditionalWriteInput {
  Key: Record<string, unknown>;
  UpdateExpression?: string;
}

const RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const;

export const updateItem: Operation<UpdateItemInput> = {
  name: 'UpdateItem',
  members: {
    ...CONDITIONAL_WRITE_MEMBERS,
    Key: required(ATTRIBUTE_MAP),
    UpdateExpression: EXPRESSION,
    AttributeUpdates: ATTRIBUTE_UPDATES_MAP,
  },
  run(db, input) {
    const returnValues = checkReturnValues(input.ReturnValues, RETURN_VALUES, '');
    const expressions = compileRequest('UpdateItem', input);
    const table = db.table(input.TableName);
    const { key, encoded: keyString } = parseKey(table, input.Key);
    const touched = expressions.update?.topLevelNames() ?? [];
    for (const name of touched) {
      if (name === table.schema.partitionName || name === table.schema.sortName) {
        throw invalidParameter(`Cannot update attribute ${name}. This attribute is part of the key`);
      }
    }
    const oldEncoded = table.get(keyString);
    const old: Item | undefined = oldEncoded !== undefined ? table.codec.decode(oldEncoded) : undefined;
    if (expressions.condition && !expressions.condition.evaluate(old)) {
      db.capacity.conditionFailed('UpdateItem', table, keyString, oldEncoded);
      throw ConditionalCheckFailed(input.ReturnValuesOnConditionCheckFailure, old);
    }
    const base: Item = old ? { ...old } : { ...key };
    const updated = expressions.update ? expressions.update.apply(base) : base;
    checkIndexKeysForUpdate(table, updated, touched);
    const size = itemSize(updated);
    checkItemSize(size);
    const cc = db.capacity.write('UpdateItem', input, table, keyString, oldEncoded, updated, size);
    checkItemCollection(db.options.itemCollectionLimitBytes, table, keyString, oldEncoded, updated, size);
    const added = { names: [], shapes: [] };
    const encoded = table.codec.encode(updated, size, added);
    const done = db.commit([{ kind: 'put', tableId: table.meta.id, key: keyString, item: encoded, old: oldEncoded, added }]);
    const out: Record<string, unknown> = {};
    let attributes: Item | undefined;
    switch (returnValues) {
      case 'ALL_OLD':
        attributes = old;
        break;
      case 'ALL_NEW':
        attributes = updated;
        break;
      case 'UPDATED_OLD':
        attributes = pick(old, touched);
        break;
      case 'UPDATED_NEW':
        attributes = pick(updated, touched);
        break;
    }
    if (attributes) out.Attributes = attributes;
    if (cc) out.ConsumedCapacity = cc;
    addItemCollectionMetrics(out, input, table, keyString);
    return done.then(() => out);
  },
};
