// Which table a backup request names, and whether a restore's target name is free, with the
// errors of the backup operations (TableNotFoundException, TableInUseException,
// TableAlreadyExistsException rather than CreateTable's ResourceInUseException).
import type { Database } from '../database';
import { DynamoDBError } from '../errors';
import type { Table } from '../table';
import { tableStatus } from './restore';

/** The live table `nameOrArn` names; a table still being created or restored is refused. */
export function sourceTable(db: Database, nameOrArn: string): Table {
  const name = nameOrArn.startsWith('arn:') ? [...db.tables.values()].find((t) => t.meta.arn === nameOrArn)?.name ?? nameOrArn : nameOrArn;
  if (tableStatus(db, name) === 'CREATING') throw new DynamoDBError('TableInUseException', `Table is being created: ${name}`);
  const table = db.tables.get(name);
  if (table === undefined) throw new DynamoDBError('TableNotFoundException', `Table not found: ${nameOrArn}`);
  return table;
}

/** A restore's target name must be free: no table, and none being created. */
export function refuseTargetInUse(db: Database, name: string): void {
  const status = tableStatus(db, name);
  if (status === 'CREATING') throw new DynamoDBError('TableInUseException', `Table is being created: ${name}`);
  if (status !== undefined) throw new DynamoDBError('TableAlreadyExistsException', `Table already exists: ${name}`);
}
