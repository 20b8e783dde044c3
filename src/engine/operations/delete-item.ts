import type { Operation } from './operation';
import { addItemCollectionMetrics } from '../indexes';
import { compileRequest, hasConditionParameters } from './legacy';
import { CONDITIONAL_WRITE_MEMBERS, type ConditionalWriteInput, checkReturnValues, encodeKey } from './common';
import { ATTRIBUTE_MAP, required } from '../validation/members';
import { charge, commitPlans, planDelete, refuseFailed } from './write-plan';

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
    const plan = planDelete(db, 'DeleteItem', table, encodeKey(table, input.Key), expressions?.condition, returnValues === 'ALL_OLD');
    if (plan.failed) refuseFailed(db, plan, input.ReturnValuesOnConditionCheckFailure);
    const out: Record<string, unknown> = {};
    if (returnValues === 'ALL_OLD' && plan.old) out.Attributes = plan.old;
    const cc = charge(db, plan, input);
    if (cc) out.ConsumedCapacity = cc;
    const done = commitPlans(db, [plan]);
    addItemCollectionMetrics(out, input, table, plan.key);
    return done === undefined ? out : done.then(() => out);
  },
};
