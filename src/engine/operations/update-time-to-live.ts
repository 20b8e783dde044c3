import type { Operation } from './operation';
import { validation } from '../errors';
import { TABLE_NAME } from '../validation/members';
import type { TableMeta } from '../table';
import { TTL_SPECIFICATION, ttlChange, type TtlSpecification } from '../ttl';

interface UpdateTimeToLiveInput {
  TableName: string;
  TimeToLiveSpecification: TtlSpecification;
}

export const updateTimeToLive: Operation<UpdateTimeToLiveInput> = {
  name: 'UpdateTimeToLive',
  members: { TableName: TABLE_NAME, TimeToLiveSpecification: TTL_SPECIFICATION },
  run(db, input) {
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    const spec = input.TimeToLiveSpecification;
    const refusal = ttlChange(table.meta.ttl, db.ttl.status(table), spec);
    if (refusal !== undefined) throw validation(refusal);
    const meta: TableMeta = { ...table.meta, ttl: { attributeName: spec.AttributeName, enabled: spec.Enabled, changedAt: db.now() } };
    return db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]).then(() => ({
      TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName },
    }));
  },
};
