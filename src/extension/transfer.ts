// Import and export of items: JSON (an array, or {"Items": [...]} as Scan prints it), JSON lines,
// and CSV. Values may be DynamoDB JSON or plain JSON; plain numbers keep their exact digits.
import type { Connection } from './connection';
import { errorInfo, isUnsupported } from './connection';
import {
  LosslessNumber, itemFromPlain, itemToPlain, parseLossless, stringifyLossless, validateItem, losslessToJson,
  type Item, type LosslessValue,
} from '../protocol/dynamo-json';

export type ExportFormat = 'json' | 'dynamodb-json' | 'jsonl' | 'csv';

const TYPE_KEYS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']);

function looksLikeDynamoJson(obj: Record<string, LosslessValue>): boolean {
  const values = Object.values(obj);
  return values.length > 0 && values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof LosslessNumber) && Object.keys(v).length === 1 && TYPE_KEYS.has(Object.keys(v)[0]!));
}

function toItem(value: LosslessValue, where: string): Item {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof LosslessNumber) throw new Error(`${where}: an item must be a JSON object`);
  if (looksLikeDynamoJson(value)) {
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

/** Writes items with BatchWriteItem (25 at a time, retrying unprocessed ones), or PutItem where batches are not supported. */
const MAX_THROTTLED_ATTEMPTS = 60;

function isThrottled(error: unknown): boolean {
  const type = errorInfo(error).type;
  return type === 'ProvisionedThroughputExceededException' || type === 'ThrottlingException' || type === 'RequestLimitExceeded';
}

export async function writeItems(connection: Connection, tableName: string, items: Item[], progress?: (done: number) => void): Promise<number> {
  let done = 0;
  let batch = true;
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25);
    if (batch) {
      try {
        let requests: unknown[] = chunk.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length; attempt++) {
          try {
            const out = await connection.send('BatchWriteItem', { RequestItems: { [tableName]: requests } });
            requests = out.UnprocessedItems?.[tableName] ?? [];
          } catch (e) {
            // A provisioned table out of capacity refuses the whole batch: back off and retry it, as the SDKs do.
            if (!isThrottled(e) || attempt >= MAX_THROTTLED_ATTEMPTS) throw e;
          }
          if (requests.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        }
        done += chunk.length;
        progress?.(done);
        continue;
      } catch (e) {
        if (!isUnsupported(e)) throw e;
        batch = false;
      }
    }
    for (const Item of chunk) {
      await connection.send('PutItem', { TableName: tableName, Item });
      progress?.(++done);
    }
  }
  return done;
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
