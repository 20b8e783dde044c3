import type { Operation } from './operation';
import { addItemCollectionMetrics } from '../indexes';
import { compileRequest } from './legacy';
import type { Item } from '../types/attribute-value';
import { CONDITIONAL_WRITE_MEMBERS, type ConditionalWriteInput, checkReturnValues, pick } from './common';
import { ATTRIBUTE_MAP, ATTRIBUTE_UPDATES_MAP, EXPRESSION, required } from '../validation/members';
import { charge, mutationOf, planUpdate, refuseFailed, type WritePlan } from './write-plan';

interface UpdateItemInput extends ConditionalWriteInput {
  Key: Record<string, unknown>;
  UpdateExpression?: string;
}

const RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const;

/** The Attributes an update returns for ReturnValues (shared with a transaction's and PartiQL's updates). */
export function updateAttributes(returnValues: string, plan: WritePlan): Item | undefined {
  switch (returnValues) {
    case 'ALL_OLD':
      return plan.old;
    case 'ALL_NEW':
      return plan.item;
    case 'UPDATED_OLD':
      return pick(plan.old, plan.touched);
    case 'UPDATED_NEW':
      return pick(plan.item, plan.touched);
  }
  return undefined;
}

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
    const plan = planUpdate(db, 'UpdateItem', table, input.Key, expressions.update, expressions.condition);
    if (plan.failed) refuseFailed(db, plan, input.ReturnValuesOnConditionCheckFailure);
    const cc = charge(db, plan, input);
    const done = db.commit([mutationOf(plan)!]);
    const out: Record<string, unknown> = {};
    const attributes = updateAttributes(returnValues, plan);
    if (attributes) out.Attributes = attributes;
    if (cc) out.ConsumedCapacity = cc;
    addItemCollectionMetrics(out, input, table, plan.key);
    return done.then(() => out);
  },
};
