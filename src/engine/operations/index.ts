// Every operation the engine serves, by its DynamoDB API name.
import type { Operation } from './operation';
// Tags and the rest of the API surface (issue 16).
import { tagResource } from './tag-resource';
import { untagResource } from './untag-resource';
import { listTagsOfResource } from './list-tags-of-resource';
import { describeEndpoints } from './describe-endpoints';
import { createTable } from './create-table';
import { deleteItem } from './delete-item';
import { deleteTable } from './delete-table';
import { describeTable } from './describe-table';
import { getItem } from './get-item';
import { listTables } from './list-tables';
import { putItem } from './put-item';
import { updateItem } from './update-item';
import { updateTable } from './update-table';
import { query } from './query';
import { scan } from './scan';
import { batchGetItem } from './batch-get-item';
import { batchWriteItem } from './batch-write-item';
import { describeLimits } from './describe-limits';
import { updateTimeToLive } from './update-time-to-live';
import { describeTimeToLive } from './describe-time-to-live';
import { createBackup } from './create-backup';
import { describeBackup } from './describe-backup';
import { listBackups } from './list-backups';
import { deleteBackup } from './delete-backup';
import { restoreTableFromBackup } from './restore-table-from-backup';
import { updateContinuousBackups } from './update-continuous-backups';
import { describeContinuousBackups } from './describe-continuous-backups';
import { restoreTableToPointInTime } from './restore-table-to-point-in-time';
import { exportTableToPointInTime } from './export-table-to-point-in-time';
import { describeExport } from './describe-export';
import { listExports } from './list-exports';
import { importTable } from './import-table';
import { describeImport } from './describe-import';
import { listImports } from './list-imports';
import { executeStatementOperation } from './execute-statement';
import { batchExecuteStatementOperation } from './batch-execute-statement';
import { executeTransactionOperation } from './execute-transaction';
import { transactWriteItems } from './transact-write-items';
import { transactGetItems } from './transact-get-items';

const all: Operation[] = [createTable, describeTable, listTables, deleteTable, updateTable, putItem, getItem, updateItem, deleteItem, query, scan, batchGetItem, batchWriteItem, describeLimits, updateTimeToLive, describeTimeToLive, createBackup, describeBackup, listBackups, deleteBackup, restoreTableFromBackup, updateContinuousBackups, describeContinuousBackups, restoreTableToPointInTime, exportTableToPointInTime, describeExport, listExports, importTable, describeImport, listImports, transactWriteItems, transactGetItems, executeStatementOperation, batchExecuteStatementOperation, executeTransactionOperation];

all.push(tagResource, untagResource, listTagsOfResource, describeEndpoints);

export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(all.map((op) => [op.name, op]));
