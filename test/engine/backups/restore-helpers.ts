// What the restore tests share: a table with a sort key and a GSI, items for it, and reading a
// table or index back whole in one order.
import type { Database } from '../../../src/engine/database';
import type { TableMeta } from '../../../src/engine/table';
import type { Item } from '../../../src/engine/types/attribute-value';

/** A new table's metadata: keyed by pk (S) and sk (N), with a GSI `byG` on `g` (S), PAY_PER_REQUEST. */
export function metaFor(db: Database, name: string): TableMeta {
  return db.newTableMeta({
    name,
    keySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    attributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'g', AttributeType: 'S' },
    ],
    billingMode: 'PAY_PER_REQUEST',
    read: 0,
    write: 0,
    indexes: [{ name: 'byG', kind: 'GSI', status: 'ACTIVE', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection: { type: 'ALL' } }],
  } as Parameters<Database['newTableMeta']>[0]);
}

/** `n` distinct items over 7 partitions, a third of them in each GSI partition, of varied sizes. */
export function itemsOf(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => ({ pk: { S: `p${i % 7}` }, sk: { N: String(i) }, g: { S: `g${i % 3}` }, v: { S: 'x'.repeat(i % 50) } }));
}

export async function* iterate(items: Item[]): AsyncIterable<Item> {
  for (const item of items) yield item;
}

/** Every item of the table (or of one of its indexes), page after page. */
export async function scanAll(db: Database, name: string, index?: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: unknown;
  do {
    const page = (await db.execute('Scan', { TableName: name, IndexName: index, ExclusiveStartKey: start })) as { Items: Item[]; LastEvaluatedKey?: unknown };
    out.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out;
}

/** Items ordered by their primary key's JSON, so two reads compare as lists. */
export function sortItems(items: Item[]): Item[] {
  const keyOf = (i: Item) => JSON.stringify([i.pk, i.sk]);
  return [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** How many items the crash test's table `name` gets: 1 to 40,000, so some files span several chunks. */
export function crashItemCount(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 1 + (h % 40_000);
}

/** The crash test's item number `n` (the same in every table, so a copy holds the same items). */
export function crashItem(n: number): Item {
  return { pk: { S: `p${n % 13}` }, sk: { N: String(n) }, g: { S: `g${n % 5}` }, v: { S: `value-${n}-${'z'.repeat(n % 40)}` } };
}
