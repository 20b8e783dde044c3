// Which table a backup request names, whether a restore's target name is free (with the errors
// of the backup operations: TableNotFoundException, TableInUseException,
// TableAlreadyExistsException rather than CreateTable's ResourceInUseException), and a restore
// whose contents are still being read.
import type { Database } from '../database';
import { DynamoDBError } from '../errors';
import type { Table, TableMeta } from '../table';
import { createTableWithItems, tableStatus, type TableContents } from './restore';

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

/**
 * createTableWithItems of contents still being read: the name is reserved (CREATING) from this
 * call on, while `contents` is read, without waiting for it (a large backup is read in slices).
 */
export function createTableFromReading(db: Database, meta: TableMeta, contents: Promise<TableContents>): Promise<Table> {
  db.creating.set(meta.name, meta);
  const free = (): void => {
    if (db.creating.get(meta.name) === meta) db.creating.delete(meta.name);
  };
  return contents.then(
    (read) => {
      // Handed over within one turn: createTableWithItems reserves the name again before it yields.
      free();
      return createTableWithItems(db, meta, read);
    },
    (e: unknown) => {
      free();
      throw e;
    },
  );
}
