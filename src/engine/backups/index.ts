// Backups, point-in-time recovery, export and import: the public surface of this folder. The
// operations (src/engine/operations/{create,describe,list,delete}-backup.ts,
// restore-table-from-backup.ts, {update,describe}-continuous-backups.ts,
// restore-table-to-point-in-time.ts, export-table-to-point-in-time.ts, import-table.ts and their
// Describe/List companions) stay thin and call into these modules:
//
// - restore.ts: the one durable way to create a table WITH items (restores and imports):
//   `createTableWithItems(db, meta, contents)` reserves the name (CREATING), writes the items as a
//   table snapshot file, then logs ONE `loadTable` record naming it, so a crash leaves the whole
//   table or none (FORMAT.md, "Loaded tables").
// - pitr.ts: each table's PITR settings (`TableMeta.pitr`), the window (`pitrWindow`), and the
//   table as it was at any moment of it (`tableAt`, `stateAtSliced`): a key's value at T is the
//   old image of its first change after T, or its value now; metadata likewise (`priorMeta`).
//   `PitrKeeper` (db.pitr) keeps the log's retention in step with the windows.
// - catalog.ts: on-demand and SYSTEM backups (`backups/` beside the log), `listBackupSummaries`.
// - timeline.ts: what the explorer's timeline shows: change volume per minute, backups, the PITR
//   window, and `preview(db, table, T)` (counts, sizes and differing keys, without restoring).
// - export.ts / import.ts / formats.ts / buckets.ts / transfers.ts: ExportTableToPointInTime and
//   ImportTable against folders standing in for S3 buckets (never outside their root), in
//   DynamoDB's S3 layout and manifests, with their catalog (`transfers.json`).
export { createTableWithItems, tableStatus, type TableContents } from './restore';
export { tableAt, pitrWindow, stateAtSliced, PitrKeeper, type PitrSettings } from './pitr';
export { listBackupSummaries, catalogOf, systemBackupName, type BackupSummary, type BackupFilter } from './catalog';
export { changeVolume, timeline, preview, type Timeline, type Preview, type PreviewDifference, type VolumeBucket } from './timeline';
export { startExport, describeExport } from './export';
export { startImport, describeImport } from './import';
