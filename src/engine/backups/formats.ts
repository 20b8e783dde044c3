// The line formats of DynamoDB's S3 exports and imports, one item (or one change) per line:
//   DYNAMODB_JSON  {"Item":{"pk":{"S":"a"},"n":{"N":"1"}}}
//   ION            {Item:{pk:"a",n:1.}}  (the file starts with `$ion_1_0`; numbers are Ion
//                  decimals, binary values blobs, sets lists annotated $dynamodb_SS/NS/BS)
//   CSV            (import only) a header of attribute names, then one row per item
// Incremental exports write {"Metadata":{"WriteTimestampMicros":{"N":...}},"Keys":{...},
// "NewImage":{...},"OldImage":{...}} in either format (Ion: the same field names).
//
// Invariant: parsing never throws for a bad line: it returns a LineError, which the import counts
// (as DynamoDB counts bad lines in ErrorCount rather than failing the import).
import * as ion from 'ion-js';
import { once } from 'node:events';
import { parse as parseCsv } from 'csv-parse';
import type { AttributeValue, Item } from '../types/attribute-value';
import { normalizeItem } from '../types/attribute-validation';
import { DynamoDBError } from '../errors';
import type { KeySchemaInfo } from '../codec/key-codec';

export type ExportFormat = 'DYNAMODB_JSON' | 'ION';
export type InputFormat = ExportFormat | 'CSV';

export class LineError {
  constructor(readonly reason: string) {}
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface Change {
  keys: Item;
  newImage?: Item;
  oldImage?: Item;
  /** Milliseconds since the epoch. */
  time: number;
}

/** One data file's text, built a line at a time. */
export interface DataFile {
  /** A full export's line: the item under `Item`; `json` is its DynamoDB JSON when the caller has it already. */
  item(item: () => Item, json?: string): void;
  /** An incremental export's line. */
  change(change: Change): void;
  /** The file's text (the lines end with '\n'). */
  text(): string;
}

export function dataFile(format: ExportFormat): DataFile {
  return format === 'DYNAMODB_JSON' ? new JsonDataFile() : new IonDataFile();
}

function changeRecord(change: Change): Record<string, Item> {
  const record: Record<string, Item> = { Metadata: { WriteTimestampMicros: { N: String(Math.round(change.time * 1000)) } }, Keys: change.keys };
  if (change.newImage !== undefined) record.NewImage = change.newImage;
  if (change.oldImage !== undefined) record.OldImage = change.oldImage;
  return record;
}

class JsonDataFile implements DataFile {
  private readonly lines: string[] = [];
  item(item: () => Item, json?: string): void {
    this.lines.push('{"Item":' + (json ?? JSON.stringify(item())) + '}\n');
  }
  change(change: Change): void {
    this.lines.push(JSON.stringify(changeRecord(change)) + '\n');
  }
  text(): string {
    return this.lines.join('');
  }
}

/**
 * One Ion text writer for the whole file (a writer per line costs three times as much): it puts
 * each top-level value on a line of its own, and escapes the newlines inside strings.
 */
class IonDataFile implements DataFile {
  private readonly writer = ion.makeTextWriter();
  private count = 0;
  item(item: () => Item): void {
    this.write({ Item: item() });
  }
  change(change: Change): void {
    this.write(changeRecord(change));
  }
  private write(record: Record<string, Item>): void {
    const w = this.writer;
    w.stepIn(ion.IonTypes.STRUCT);
    for (const [name, item] of Object.entries(record)) {
      w.writeFieldName(name);
      writeIonItem(w, item);
    }
    w.stepOut();
    this.count++;
  }
  text(): string {
    this.writer.close();
    return '$ion_1_0 ' + new TextDecoder().decode(this.writer.getBytes()) + (this.count > 0 ? '\n' : '');
  }
}

function writeIonItem(w: ion.Writer, item: Item): void {
  w.stepIn(ion.IonTypes.STRUCT);
  for (const [name, value] of Object.entries(item)) {
    w.writeFieldName(name);
    writeIonValue(w, value);
  }
  w.stepOut();
}

function writeIonValue(w: ion.Writer, v: AttributeValue): void {
  if ('S' in v) w.writeString(v.S);
  else if ('N' in v) w.writeDecimal(ionDecimal(v.N));
  else if ('B' in v) w.writeBlob(Buffer.from(v.B, 'base64'));
  else if ('BOOL' in v) w.writeBoolean(v.BOOL);
  else if ('NULL' in v) w.writeNull(ion.IonTypes.NULL);
  else if ('M' in v) writeIonItem(w, v.M);
  else if ('L' in v) {
    w.stepIn(ion.IonTypes.LIST);
    for (const e of v.L) writeIonValue(w, e);
    w.stepOut();
  } else if ('SS' in v) writeIonSet(w, '$dynamodb_SS', v.SS, (s) => w.writeString(s));
  else if ('NS' in v) writeIonSet(w, '$dynamodb_NS', v.NS, (s) => w.writeDecimal(ionDecimal(s)));
  else writeIonSet(w, '$dynamodb_BS', v.BS, (s) => w.writeBlob(Buffer.from(s, 'base64')));
}

function writeIonSet(w: ion.Writer, annotation: string, values: string[], write: (s: string) => void): void {
  w.setAnnotations([annotation]);
  w.stepIn(ion.IonTypes.LIST);
  for (const s of values) write(s);
  w.stepOut();
}

/** A DynamoDB number's text as an Ion decimal (exact: coefficient digits and exponent). */
function ionDecimal(text: string): ion.Decimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) throw new Error(`not a number: ${text}`);
  const fraction = m[3] ?? '';
  const digits = (m[2] + fraction).replace(/^0+(?=\d)/, '') || '0';
  return new ion.Decimal(BigInt(digits), Number(m[4] ?? 0) - fraction.length, m[1] === '-');
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The item of one DYNAMODB_JSON line. */
export function parseJsonLine(line: string): Item | LineError {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return new LineError('the line is not JSON');
  }
  if (record === null || typeof record !== 'object' || !('Item' in record)) return new LineError('the line has no Item');
  return checkedItem((record as { Item: unknown }).Item);
}

/** The item of one ION line (`$ion_1_0` may lead it), with Ion types mapped back as the export wrote them. */
export function parseIonLine(line: string): Item | LineError {
  let value: ion.dom.Value | null;
  try {
    value = ion.load(line);
  } catch (e) {
    return new LineError(`the line is not Ion: ${(e as Error).message}`);
  }
  const item = value?.get('Item');
  if (item === null || item === undefined || item.getType() !== ion.IonTypes.STRUCT) return new LineError('the line has no Item struct');
  let converted: Item;
  try {
    converted = ionStruct(item);
  } catch (e) {
    return new LineError((e as Error).message);
  }
  return checkedItem(converted);
}

function ionStruct(v: ion.dom.Value): Item {
  const out: Item = {};
  for (const [name, field] of v.fields()) out[name] = ionValue(field);
  return out;
}

function ionValue(v: ion.dom.Value): AttributeValue {
  const type = v.getType();
  const annotation = v.getAnnotations()[0];
  if (v.isNull()) return { NULL: true };
  switch (type) {
    case ion.IonTypes.STRING:
    case ion.IonTypes.SYMBOL:
      return { S: v.stringValue()! };
    case ion.IonTypes.INT:
    case ion.IonTypes.DECIMAL:
    case ion.IonTypes.FLOAT:
      return { N: ionNumberText(v) };
    case ion.IonTypes.BOOL:
      return { BOOL: v.booleanValue()! };
    case ion.IonTypes.BLOB:
    case ion.IonTypes.CLOB:
      return { B: Buffer.from(v.uInt8ArrayValue()!).toString('base64') };
    case ion.IonTypes.STRUCT:
      return { M: ionStruct(v) };
    case ion.IonTypes.LIST:
    case ion.IonTypes.SEXP: {
      const elements = v.elements();
      if (annotation === '$dynamodb_SS') return { SS: elements.map((e) => e.stringValue()!) };
      if (annotation === '$dynamodb_NS') return { NS: elements.map(ionNumberText) };
      if (annotation === '$dynamodb_BS') return { BS: elements.map((e) => Buffer.from(e.uInt8ArrayValue()!).toString('base64')) };
      return { L: elements.map(ionValue) };
    }
    default:
      throw new Error(`Ion ${type.name} values have no DynamoDB type`);
  }
}

function ionNumberText(v: ion.dom.Value): string {
  const type = v.getType();
  if (type === ion.IonTypes.DECIMAL) {
    const d = v.decimalValue()!;
    return `${d.isNegative() ? '-' : ''}${d.getCoefficient() < 0n ? -d.getCoefficient() : d.getCoefficient()}E${d.getExponent()}`;
  }
  if (type === ion.IonTypes.INT) return String(v.bigIntValue());
  return String(v.numberValue());
}

/**
 * The rows of a CSV file as items: key attributes typed by the table's attribute definitions,
 * every other column a string (as DynamoDB imports CSV); empty cells are left out. `header`:
 * the HeaderList, else the file's first row. Rows that cannot be read are LineErrors. The text is
 * fed to the parser a slice at a time, so a large file never holds the event loop for long.
 */
export async function* parseCsvText(text: string, schema: KeySchemaInfo, delimiter: string, header: string[] | undefined): AsyncGenerator<Item | LineError> {
  const skipped: LineError[] = [];
  const parser = parseCsv({
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: () => void skipped.push(new LineError('the row is not valid CSV')),
  });
  let failure: Error | undefined;
  void (async () => {
    try {
      for (let at = 0; at < text.length; at += CSV_SLICE) {
        if (!parser.write(text.slice(at, at + CSV_SLICE))) await once(parser, 'drain');
      }
      parser.end();
    } catch (e) {
      failure = e as Error;
    }
  })();
  let names = header;
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      yield* skipped.splice(0);
      if (names === undefined) {
        names = row;
        continue;
      }
      if (row.length > names.length) {
        yield new LineError('the row has more cells than the header names');
        continue;
      }
      const item: Item = {};
      row.forEach((cell, i) => {
        if (cell === '') return;
        const name = names![i];
        item[name] = name === schema.partitionName ? typed(cell, schema.partitionType) : name === schema.sortName ? typed(cell, schema.sortType!) : { S: cell };
      });
      yield checkedItem(item);
    }
  } catch (e) {
    // What the parser cannot get past (an unclosed quote at the end) ends the file as one error.
    yield new LineError(`the file is not valid CSV: ${(e as Error).message}`);
  }
  yield* skipped.splice(0);
  if (failure !== undefined) yield new LineError(`the file could not be read: ${failure.message}`);
}

/** Characters of CSV text handed to the parser at a time. */
const CSV_SLICE = 64 * 1024;

function typed(cell: string, type: 'S' | 'N' | 'B'): AttributeValue {
  return type === 'S' ? { S: cell } : type === 'N' ? { N: cell } : { B: cell };
}

/**
 * `value` as an item, checked as PutItem checks an item's attribute values (the key schema, the
 * indexes' key types and the size limit are checked by the import, against the new table).
 */
function checkedItem(value: unknown): Item | LineError {
  try {
    return normalizeItem(value);
  } catch (e) {
    return new LineError(e instanceof DynamoDBError ? e.message : 'the item is not valid');
  }
}
