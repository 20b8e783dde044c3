import type { Operation } from './operation';
import { addItemCollectionMetrics } from '../indexes';
import { compileRequest, hasConditionParameters } from './legacy';
import { normalizeItem } from '../types/attribute-validation';
import { CONDITIONAL_WRITE_MEMBERS, type ConditionalWriteInput, checkReturnValues } from './common';
import { ATTRIBUTE_MAP, required } from '../validation/members';
import { charge, mutationOf, planPut, refuseFailed } from './write-plan';

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
    const plan = planPut(db, 'PutItem', table, item, expressions?.condition, returnValues === 'ALL_OLD');
    if (plan.failed) refuseFailed(db, plan, input.ReturnValuesOnConditionCheckFailure);
    const cc = charge(db, plan, input);
    const done = db.commit([mutationOf(plan)!]);
    const out: Record<string, unknown> = {};
    if (returnValues === 'ALL_OLD' && plan.old) out.Attributes = plan.old;
    if (cc) out.ConsumedCapacity = cc;
    addItemCollectionMetrics(out, input, table, plan.key);
    return done.then(() => out);
  },
};
