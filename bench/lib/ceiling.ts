// What this machine can do at most for the in-process workload, measured in the same run as the
// engine: the same requests served by code that keeps only the steps no GetItem or durable
// PutItem can skip, and none of DynamoDB's behaviour (no validation, size rules, capacity,
// ordered index, item encoding or log framing). The engine's figures are read against these:
// a target above the ceiling cannot be met by any implementation of the full API on this machine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ItemCodec } from '../../src/engine/codec/item-codec';

type Value = Record<string, unknown>;
type Item = Record<string, Value>;
interface KeyRequest {
  TableName: string;
  Key: Item;
}
interface PutRequest {
  TableName: string;
  Item: Item;
}

/**
 * The least a GetItem does: find the table, build the key from the request's key strings,
 * look it up among the table's items, and answer with a promise of the item. `asObjects` keeps
 * the items themselves and returns the stored object: less than the least, as a real store must
 * hand out a copy. `compact` keeps them as the 2x memory target requires (objects for a 200-byte
 * item take several times that), and builds each one on read from the engine's own encoding.
 */
export class BareReads<Stored> {
  private readonly tables = new Map<string, Map<string, Stored>>();

  static asObjects(table: string, items: Iterable<Item>): BareReads<Item> {
    return new BareReads<Item>(table, items, (item) => item, (item) => item);
  }

  static compact(table: string, items: Iterable<Item>): BareReads<string> {
    const codec = new ItemCodec();
    return new BareReads(
      table,
      items,
      (item) => codec.encode(item as never, 0, { names: [], shapes: [] }),
      (s) => codec.decode(s),
    );
  }

  private constructor(
    table: string,
    items: Iterable<Item>,
    keep: (item: Item) => Stored,
    private readonly build: (stored: Stored) => unknown,
  ) {
    const rows = new Map<string, Stored>();
    for (const item of items) rows.set(`${item.pk.S}\u0000${item.sk.S}`, keep(item));
    this.tables.set(table, rows);
  }

  getItem(input: KeyRequest): Promise<{ Item?: unknown }> {
    const rows = this.tables.get(input.TableName);
    if (rows === undefined) return Promise.reject(new Error('no such table'));
    const found = rows.get(`${input.Key.pk.S}\u0000${input.Key.sk.S}`);
    return Promise.resolve(found === undefined ? {} : { Item: this.build(found) });
  }
}

/**
 * The least a durable PutItem does: find the table, build the key, serialize the item, keep it,
 * and acknowledge it once the write(2) carrying it has returned; everything appended in one turn
 * of the event loop goes out in one write, as the engine's group commit does ('process' mode).
 */
export class BareDurableWrites {
  private readonly tables = new Map<string, Map<string, string>>();
  private readonly fd: number;
  private batch: string[] = [];
  private waiting: Array<() => void> = [];
  private scheduled = false;

  constructor(dir: string, table: string) {
    this.fd = fs.openSync(path.join(dir, 'bare.log'), 'w');
    this.tables.set(table, new Map());
  }

  putItem(input: PutRequest): Promise<void> {
    const rows = this.tables.get(input.TableName);
    if (rows === undefined) return Promise.reject(new Error('no such table'));
    const text = JSON.stringify(input.Item);
    rows.set(`${input.Item.pk.S}\u0000${input.Item.sk.S}`, text);
    this.batch.push(text);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private flush(): void {
    this.scheduled = false;
    const bytes = Buffer.from(this.batch.join('\n'));
    const acknowledge = this.waiting;
    this.batch = [];
    this.waiting = [];
    // Synchronous, as the engine's default durability writes: no thread pool round trip.
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(this.fd, bytes, done);
    for (const resolve of acknowledge) resolve();
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
