// The database's tables as the log changes them: mutations applied (as written, or replayed at
// open), taken back (when the log refuses writes it had not acknowledged), loaded from and
// captured into snapshots.
//
// Invariants: a table is in `byName` under its name only while it is in `byId`; undoing the
// mutations of the writes not yet acknowledged, newest first, gives back the state after the last
// acknowledged write (a put or delete carries its old image; a table change keeps what it replaced
// in `pending`).
// - A `loadTable` mutation creates a table with all its items at once (src/engine/backups/restore.ts);
//   taking it back drops the table as taking back a `createTable` does.
// - A deleted table whose stream is still readable (`retains` says so) lives on in `retired`, by
//   id, never by name: its name is free at once, and its metadata and codec dictionary (not its
//   items) stay to decode its stream's log records, in memory and in checkpoints, until
//   `release(id)` (src/engine/streams/shards.ts drops it 24 hours after the deletion).
import type { Mutation, TableSnapshot } from '../log';
import { Table, type TableMeta } from '../table';

interface Pending {
  lsn: number;
  mutations: Mutation[];
  /** For table changes (by mutation index): the table deleted, or the metadata replaced. */
  before: (Table | TableMeta | undefined)[] | undefined;
}

export class TableSet {
  readonly byName = new Map<string, Table>();
  private readonly byId = new Map<string, Table>();
  /** Deleted tables kept for their streams, by id (see the header). */
  readonly retired = new Map<string, Table>();

  /** `retains(meta)`: whether a table being deleted keeps a readable stream (judged when the deletion is applied or replayed). */
  constructor(private readonly retains: (meta: TableMeta) => boolean = () => false) {}
  /** Writes applied but not yet acknowledged by the log, oldest first, from `head` on. */
  private pending: Pending[] = [];
  private head = 0;

  /** A live table by id. */
  tableById(id: string): Table | undefined {
    return this.byId.get(id);
  }

  /** Applies a write's mutations and remembers how to take them back until `acknowledged(lsn)`. */
  write(lsn: number, mutations: Mutation[]): void {
    let before: Pending['before'];
    for (let i = 0; i < mutations.length; i++) {
      const m = mutations[i];
      if (m.kind === 'put' || m.kind === 'delete') continue;
      const table = this.byId.get(m.tableId);
      (before ??= [])[i] = m.kind === 'updateTable' ? table?.meta : table;
    }
    for (const m of mutations) this.apply(m, false);
    this.pending.push({ lsn, mutations, before });
  }

  /** Applies a write that needs no taking back (no log, or one read back from the log). */
  applyAll(mutations: Mutation[], replay: boolean): void {
    for (const m of mutations) this.apply(m, replay);
  }

  /** Every write up to `lsn` is acknowledged: it can no longer be taken back. */
  acknowledged(lsn: number): void {
    const list = this.pending;
    let head = this.head;
    while (head < list.length && list[head].lsn <= lsn) head++;
    if (head === list.length) {
      list.length = 0;
      head = 0;
    }
    this.head = head;
  }

  /** Takes back, newest first, every write not acknowledged. */
  undoPending(): void {
    for (let i = this.pending.length - 1; i >= this.head; i--) {
      const { mutations, before } = this.pending[i];
      for (let k = mutations.length - 1; k >= 0; k--) this.undo(mutations[k], before?.[k]);
    }
    this.pending = [];
    this.head = 0;
  }

  load(snapshots: TableSnapshot[]): void {
    for (const snap of snapshots) {
      if (snap.retired) {
        const table = new Table(snap.meta as TableMeta);
        table.codec.restore(snap.dictionary);
        this.retired.set(table.meta.id, table);
        continue;
      }
      const table = this.add(snap.meta as TableMeta);
      table.codec.restore(snap.dictionary);
      table.load(snap.keys, snap.values);
    }
  }

  /** Every table as of now (references to immutable strings: the write that follows may take its time), retired ones last, without items. */
  snapshot(): TableSnapshot[] {
    const live = [...this.byName.values()].map((t) => ({
      meta: JSON.parse(JSON.stringify(t.meta)) as unknown,
      dictionary: t.codec.dictionary(),
      ...t.index.snapshot(),
    }));
    const retired = [...this.retired.values()].map((t) => ({
      meta: JSON.parse(JSON.stringify(t.meta)) as unknown,
      dictionary: t.codec.dictionary(),
      keys: [],
      values: [],
      retired: true,
    }));
    return [...live, ...retired];
  }

  /** Forgets a retired table (its stream is no longer readable). */
  release(tableId: string): void {
    this.retired.delete(tableId);
  }

  private add(meta: TableMeta): Table {
    const table = new Table(meta);
    this.byName.set(meta.name, table);
    this.byId.set(meta.id, table);
    return table;
  }

  private drop(tableId: string, deleted: boolean): void {
    const table = this.byId.get(tableId);
    if (table === undefined) return;
    this.byId.delete(tableId);
    if (this.byName.get(table.name) === table) this.byName.delete(table.name);
    if (deleted && this.retains(table.meta)) {
      // Only what decoding its stream needs: the metadata and the codec's dictionary.
      const kept = new Table(table.meta);
      kept.codec.restore(table.codec.dictionary());
      this.retired.set(tableId, kept);
    }
  }

  private apply(m: Mutation, replay: boolean): void {
    switch (m.kind) {
      case 'createTable':
        this.add(m.meta as TableMeta);
        return;
      case 'loadTable': {
        // The contents come with the write, or (replay) from the file the log store read back.
        if (m.contents === undefined) throw new Error(`the loadTable mutation of table ${m.tableId} came without its contents`);
        const table = this.add(m.meta as TableMeta);
        table.codec.restore(m.contents.dictionary);
        table.load(m.contents.keys, m.contents.values, replay ? undefined : m.startAfter, m.contents.heads);
        return;
      }
      case 'updateTable': {
        const table = this.byId.get(m.tableId);
        if (table) table.meta = m.meta as TableMeta;
        return;
      }
      case 'deleteTable':
        this.drop(m.tableId, true);
        return;
      case 'put': {
        const table = this.byId.get(m.tableId);
        if (!table) return;
        if (m.added) {
          // Replayed entries are placed by their ids; a new write's become permanent now.
          if (replay) table.codec.restore(m.added);
          else table.codec.publish(m.added);
        }
        table.put(m.key, m.item);
        return;
      }
      case 'delete':
        this.byId.get(m.tableId)?.remove(m.key);
        return;
    }
  }

  private undo(m: Mutation, before: Table | TableMeta | undefined): void {
    const table = this.byId.get(m.tableId);
    switch (m.kind) {
      case 'put':
        if (m.old === undefined) table?.remove(m.key);
        else table?.put(m.key, m.old);
        if (m.added) table?.codec.forget(m.added);
        return;
      case 'delete':
        table?.put(m.key, m.old);
        return;
      case 'createTable':
      case 'loadTable':
        this.drop(m.tableId, false);
        return;
      case 'updateTable':
        if (table && before) table.meta = before as TableMeta;
        return;
      case 'deleteTable':
        this.retired.delete(m.tableId);
        if (before) {
          this.byId.set(m.tableId, before as Table);
          this.byName.set((before as Table).name, before as Table);
        }
        return;
    }
  }
}
