import type { Operation } from './operation';
import { compileRequest } from './legacy';
import { encodeKey, pick } from './common';
import { ATTRIBUTES_TO_GET, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_MAP, RETURN_CONSUMED, TABLE_NAME, required } from '../validation/members';
import { EncodedItem, encodedItemSize } from '../codec/item-codec';

interface GetItemInput {
  TableName: string;
  Key: Record<string, unknown>;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  ExpressionAttributeNames?: Record<string, string>;
  ReturnConsumedCapacity?: string;
}

export const getItem: Operation<GetItemInput> = {
  name: 'GetItem',
  members: {
    TableName: TABLE_NAME,
    Key: required(ATTRIBUTE_MAP),
    ConsistentRead: { type: 'boolean' },
    ProjectionExpression: EXPRESSION,
    AttributesToGet: ATTRIBUTES_TO_GET,
    ExpressionAttributeNames: EXPRESSION_MAP,
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run(db, input) {
    // ProjectionExpression or AttributesToGet (never both), with DynamoDB's checks.
    const projection =
      input.ProjectionExpression !== undefined || input.ExpressionAttributeNames || input.AttributesToGet
        ? compileRequest('GetItem', { ProjectionExpression: input.ProjectionExpression, ExpressionAttributeNames: input.ExpressionAttributeNames, AttributesToGet: input.AttributesToGet }).projection
        : undefined;
    const table = db.table(input.TableName);
    const encoded = encodeKey(table, input.Key);
    const stored = table.get(encoded);
    const out: Record<string, unknown> = {};
    if (stored !== undefined) {
      if (projection) out.Item = projection.project(table.codec.decode(stored));
      else if (input.AttributesToGet) out.Item = pick(table.codec.decode(stored), input.AttributesToGet) ?? {};
      else out.Item = new EncodedItem(table.codec, stored);
    }
    const cc = db.capacity.read('GetItem', input, table, { key: encoded, bytes: stored ? encodedItemSize(stored) : 0, consistent: input.ConsistentRead === true });
    if (cc) out.ConsumedCapacity = cc;
    return out;
  },
};
