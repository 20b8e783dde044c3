// Import and export of items: JSON (an array, or {"Items": [...]} as Scan prints it), JSON lines,
// and CSV. Values may be DynamoDB JSON or plain JSON; plain numbers keep their exact digits.
import type { Connection } from './connection';
import { errorInfo, isUnsupported } from './connection';
import { withRetries, writeBatch } from './copy';
import {
  LosslessNumber, itemFromPlain, itemToPlain, looksLikeDynamoJson, parseLossless, stringifyLossless, validateItem, losslessToJson,
  type Item, type LosslessValue,
} from '../protocol/dynamo-json';

export type ExportFormat = 'json' | 'dynamodb-json' | 'jsonl' | 'csv';

function toItem(value: LosslessValue, where: string): Item {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof LosslessNumber) throw new Error(`${where}: an item must be a JSON object`);
  // an empty object is read as plain JSON
  if (Object.keys(value).length > 0 && looksLikeDynamoJson(value)) {
    const { item, problems } = validateItem(losslessToJson(value));
    if (!item) throw new Error(`${where}: ${problems.join('; ')}`);
    return item;
  }
  return itemFromPlain(value);
}

export function parseItemsFile(text: string, fileName: string): Item[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return [];
  if (/\.csv$/i.test(fileName)) return parseCsvItems(trimmed);
  if (/\.jsonl$|\.ndjson$/i.test(fileName) || (!trimmed.startsWith('[') && trimmed.includes('\n') && trimmed.startsWith('{') && !/^\{\s*"Items"/.test(trimmed))) {
    return trimmed.split(/\r?\n/).filter((l) => l.trim()).map((line, i) => toItem(parseLossless(line), `line ${i + 1}`));
  }
  const doc = parseLossless(trimmed);
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && !(doc instanceof LosslessNumber) && Array.isArray(doc.Items) ? doc.Items : [doc];
  return (list as LosslessValue[]).map((v, i) => toItem(v, `item ${i + 1}`));
}

/** CSV: first row names the attributes; a cell that is a number becomes N, true/false BOOL, JSON objects/arrays L/M, empty cells are left out. */
export function parseCsvItems(text: string): Item[] {
  const rows = parseCsv(text);
  const header = rows.shift() ?? [];
  return rows
    .filter((r) => r.some((c) => c !== ''))
    .map((r) => {
      const plain: Record<string, LosslessValue> = {};
      header.forEach((name, i) => {
        const cell = r[i] ?? '';
        if (cell === '' || !name) return;
        if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(cell)) plain[name] = new LosslessNumber(cell);
        else if (cell === 'true' || cell === 'false') plain[name] = cell === 'true';
        else if (/^[[{]/.test(cell)) {
          try {
            plain[name] = parseLossless(cell);
          } catch {
            plain[name] = cell;
          }
        } else plain[name] = cell;
      });
      return itemFromPlain(plain);
    });
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatItems(items: Item[], format: ExportFormat, keyNames: string[] = []): string {
  switch (format) {
    case 'dynamodb-json':
      return JSON.stringify({ Items: items }, null, 2) + '\n';
    case 'json':
      return stringifyLossless(items.map(itemToPlain) as LosslessValue) + '\n';
    case 'jsonl':
      return items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : '');
    case 'csv': {
      const cols = [...keyNames];
      for (const item of items) for (const k of Object.keys(item)) if (!cols.includes(k)) cols.push(k);
      const lines = [cols.map(csvCell).join(',')];
      for (const item of items) {
        lines.push(
          cols
            .map((c) => {
              const v = item[c];
              if (!v) return '';
              const p = itemToPlain({ [c]: v })[c]!;
              return csvCell(typeof p === 'string' ? p : stringifyLossless(p, 0));
            })
            .join(','),
        );
      }
      return lines.join('\n') + '\n';
    }
  }
}

/** What an import does with an item whose key the table already has. */
export const EXISTING_ITEMS = ['overwrite', 'skip'] as const;
export type ExistingItems = (typeof EXISTING_ITEMS)[number];

export interface ImportResult {
  written: number;
  /** items left out because their key was already in the table (skip mode) */
  skipped: number;
  failed: number;
  /** the first few failures, "item N: Type: message" */
  errors: string[];
}

/** Whether a table holds at least one item (one Scan of one item). */
export async function hasAnyItem(connection: Connection, tableName: string): Promise<boolean> {
  const out = await connection.send('Scan', { TableName: tableName, Limit: 1 });
  return (out.Items?.length ?? 0) > 0 || out.LastEvaluatedKey !== undefined;
}

const SKIP_CONCURRENCY = 8;

/**
 * Writes items into a table. `overwrite`: BatchWriteItem 25 at a time; a batch the database
 * refuses as a whole (one bad item, a key twice in the batch, no batch support) is written
 * item by item so exactly the bad items count as failed. `skip`: a PutItem per item,
 * conditional on the key not existing (BatchWriteItem takes no conditions); a failed condition
 * counts as skipped. Never throws for an item; `errors` keeps the first few reasons.
 */
export async function importItems(
  connection: Connection,
  tableName: string,
  items: Item[],
  options: { existing: ExistingItems; keyNames: string[] },
  progress?: (done: number) => void,
): Promise<ImportResult> {
  const result: ImportResult = { written: 0, skipped: 0, failed: 0, errors: [] };
  let done = 0;
  const fail = (index: number, e: unknown) => {
    result.failed++;
    if (result.errors.length < 5) {
      const { type, message } = errorInfo(e);
      result.errors.push(`item ${index + 1}: ${type}: ${message}`);
    }
  };
  const condition =
    options.existing === 'skip'
      ? {
          ConditionExpression: options.keyNames.map((_, i) => `attribute_not_exists(#k${i})`).join(' AND '),
          ExpressionAttributeNames: Object.fromEntries(options.keyNames.map((k, i) => [`#k${i}`, k])),
        }
      : {};
  const putEach = async (from: number, chunk: Item[]) => {
    let next = 0;
    const worker = async () => {
      while (next < chunk.length) {
        const i = next++;
        try {
          await withRetries(() => connection.send('PutItem', { TableName: tableName, Item: chunk[i], ...condition }));
          result.written++;
        } catch (e) {
          if (errorInfo(e).type === 'ConditionalCheckFailedException') result.skipped++;
          else fail(from + i, e);
        }
        progress?.(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SKIP_CONCURRENCY, chunk.length) }, worker));
  };
  if (options.existing === 'skip') {
    await putEach(0, items);
    return result;
  }
  let batch = true;
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25);
    if (batch) {
      try {
        await writeBatch(connection, tableName, chunk);
        result.written += chunk.length;
        done += chunk.length;
        progress?.(done);
        continue;
      } catch (e) {
        if (isUnsupported(e)) batch = false;
      }
    }
    await putEach(i, chunk);
  }
  return result;
}

/** Writes items, overwriting existing ones; rejects with the first failure. Returns how many were written. */
export async function writeItems(connection: Connection, tableName: string, items: Item[], progress?: (done: number) => void): Promise<number> {
  const result = await importItems(connection, tableName, items, { existing: 'overwrite', keyNames: [] }, progress);
  if (result.failed) throw new Error(`${result.failed} of ${items.length} items were not written: ${result.errors[0]}`);
  return result.written;
}

/** Reads every item of a table with Scan. */
export async function readAllItems(connection: Connection, tableName: string, onPage?: (count: number) => void): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await connection.send('Scan', { TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
    onPage?.(items.length);
  } while (start);
  return items;
}
