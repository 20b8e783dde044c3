// Items live in memory as compact strings rather than object trees. Attribute names are interned
// per table and whole attribute-name sequences ("shapes") are numbered, so an item string holds
// only its size, its shape number and its values; decoding builds the object through a
// per-shape constructor with a fixed property layout, which V8 makes fast.
//
// Layout (every length and count a varint whose digits are chars 0x00-0xFF):
//   size  shapeId  value*                     shapeId > 0: names come from the shape
//   size  0  count  (nameId value)*           shapeId 0: names listed inline (shape limit reached)
// Values: tag char, then  S J N B: len chars | T F 0: nothing | L: count value* |
//   M: count (len name value)* | s n b (sets): count (len chars)*
// J is an S value that JSON writes between quotes as it is: checked once when the item is written
// rather than on every read (items written before J existed have S throughout).
import type { AttributeValue, Item } from '../types/attribute-value';
import { ByteJson } from './json-bytes';

const MAX_SHAPES = 20_000;

type Builder = (values: AttributeValue[]) => Item;

interface Shape {
  nameIds: number[];
  build: Builder;
  /** JSON text ahead of each attribute's value, made on first JSON serialisation (see jsonOpenings). */
  jsonOpenings?: string[];
  /** The attribute names, and jsonOpenings as bytes, made on first use by ByteJson. */
  names?: string[];
  openingBytes?: Buffer[];
}

interface ShapeNode {
  shapeId: number | undefined;
  next: Map<number, ShapeNode>;
}

/**
 * Dictionary entries with their ids: what one write introduced (its log record carries them, so
 * recovery can rebuild the dictionary), or a whole dictionary (a snapshot). Without ids (records of
 * the format before ids were logged) entries take the next free ids, in order, as they did then.
 */
export interface DictionaryAdditions {
  names: string[];
  shapes: number[][];
  nameIds?: number[];
  shapeIds?: number[];
}

/** Codecs holding entries that no committed write has published yet (see settleDictionaries). */
const unsettled: ItemCodec[] = [];

/**
 * Drops every dictionary entry that `encode` made for a write that did not commit (refused after
 * encoding). The database calls it once each operation's synchronous part is over; until then the
 * entries stay visible so that several items of one write can share them.
 */
export function settleDictionaries(): void {
  while (unsettled.length > 0) unsettled.pop()!.settle();
}

/**
 * Invariant: an item only refers to names and shapes that some committed write's record (or the
 * snapshot) carries. New entries are tentative (id >= tentativeFrom) until the commit of a write
 * that uses them publishes them; tentative entries no write published are removed at settle,
 * leaving unused ids behind (ids are never given to another entry within a run).
 */
export class ItemCodec {
  readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly shapes: (Shape | undefined)[] = [{ nameIds: [], build: () => ({}) }];
  /** Shapes by their name ids, one level per attribute: finding an item's shape builds no key string. */
  private readonly shapeTrie: ShapeNode = { shapeId: undefined, next: new Map() };
  private tentativeNamesFrom = 0;
  private tentativeShapesFrom = 1;
  private readonly published = { names: new Set<number>(), shapes: new Set<number>() };

  /**
   * Adds entries read back from a snapshot or the log. Idempotent: an entry already present
   * under its id is left as it is, so replaying a record the snapshot already covers is harmless.
   */
  restore(additions: DictionaryAdditions): void {
    const { names, shapes, nameIds, shapeIds } = additions;
    names.forEach((name, i) => {
      const id = nameIds?.[i] ?? this.nameIds.get(name) ?? this.names.length;
      if (this.names[id] === name) return;
      if (this.names[id] !== undefined) throw new Error(`dictionary name id ${id} is ${JSON.stringify(this.names[id])}, not ${JSON.stringify(name)}`);
      this.names[id] = name;
      this.nameIds.set(name, id);
    });
    shapes.forEach((ids, i) => {
      const id = shapeIds?.[i] ?? this.shapes.length;
      const existing = this.shapes[id];
      if (existing !== undefined) {
        if (existing.nameIds.length === ids.length && existing.nameIds.every((n, k) => n === ids[k])) return;
        throw new Error(`dictionary shape id ${id} is already another shape`);
      }
      this.setShape(id, ids);
    });
    this.tentativeNamesFrom = this.names.length;
    this.tentativeShapesFrom = this.shapes.length;
  }

  /**
   * Every entry an item in the table may use: the settled ones and those a committed write has
   * published but that are not settled yet. A checkpoint can take its snapshot while the write
   * that introduced an entry is still in its operation (its append starts the checkpoint); the
   * snapshot holds that write's item, and replay skips its record, so the entry must be here.
   */
  dictionary(): DictionaryAdditions {
    const d: Required<DictionaryAdditions> = { names: [], nameIds: [], shapes: [], shapeIds: [] };
    this.names.forEach((name, id) => {
      if (name !== undefined && (id < this.tentativeNamesFrom || this.published.names.has(id))) {
        d.names.push(name);
        d.nameIds.push(id);
      }
    });
    this.shapes.forEach((shape, id) => {
      if (shape !== undefined && id > 0 && (id < this.tentativeShapesFrom || this.published.shapes.has(id))) {
        d.shapes.push(shape.nameIds);
        d.shapeIds.push(id);
      }
    });
    return d;
  }

  /** Makes the entries a committing write introduced permanent. */
  publish(added: DictionaryAdditions): void {
    if (added.nameIds) for (const id of added.nameIds) this.published.names.add(id);
    if (added.shapeIds) for (const id of added.shapeIds) this.published.shapes.add(id);
  }

  /**
   * Takes back the entries a published write introduced, when the log refused that write after
   * all (the database takes no more writes then, so no other item can be using them).
   */
  forget(added: DictionaryAdditions): void {
    added.shapeIds?.forEach((id) => this.dropShape(id));
    added.nameIds?.forEach((id) => this.dropName(id));
  }

  /** Called by settleDictionaries. */
  settle(): void {
    for (let id = this.tentativeNamesFrom; id < this.names.length; id++) if (!this.published.names.has(id)) this.dropName(id);
    for (let id = this.tentativeShapesFrom; id < this.shapes.length; id++) if (!this.published.shapes.has(id)) this.dropShape(id);
    this.tentativeNamesFrom = this.names.length;
    this.tentativeShapesFrom = this.shapes.length;
    this.published.names.clear();
    this.published.shapes.clear();
  }

  /** Removes name `id`, if present; its id stays unused. */
  private dropName(id: number): void {
    const name = this.names[id];
    if (name === undefined) return;
    this.nameIds.delete(name);
    delete this.names[id];
  }

  /** Removes shape `id`, if present, and its place in the trie; its id stays unused. */
  private dropShape(id: number): void {
    const shape = this.shapes[id];
    if (shape === undefined) return;
    const node = this.trieNode(shape.nameIds);
    if (node.shapeId === id) node.shapeId = undefined;
    this.shapes[id] = undefined;
  }

  private markTentative(): void {
    if (this.tentativeNamesFrom === this.names.length && this.tentativeShapesFrom === this.shapes.length) unsettled.push(this);
  }

  private internName(name: string, added: DictionaryAdditions): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      this.markTentative();
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    } else if (id < this.tentativeNamesFrom || added.nameIds?.includes(id)) return id;
    // New, or new for an earlier item of the same write: this write's record must carry it too.
    added.names.push(name);
    (added.nameIds ??= []).push(id);
    return id;
  }

  private trieNode(nameIds: number[]): ShapeNode {
    let node = this.shapeTrie;
    for (const n of nameIds) {
      let child = node.next.get(n);
      if (child === undefined) node.next.set(n, (child = { shapeId: undefined, next: new Map() }));
      node = child;
    }
    return node;
  }

  private setShape(id: number, nameIds: number[]): void {
    this.shapes[id] = { nameIds, build: compileBuilder(nameIds.map((n) => this.names[n])) };
    this.trieNode(nameIds).shapeId = id;
  }

  private addShape(nameIds: number[], added: DictionaryAdditions): number {
    this.markTentative();
    const id = this.shapes.length;
    this.setShape(id, nameIds);
    added.shapes.push(nameIds);
    (added.shapeIds ??= []).push(id);
    return id;
  }

  private useShape(id: number, added: DictionaryAdditions): void {
    if (id < this.tentativeShapesFrom || added.shapeIds?.includes(id)) return;
    added.shapes.push(this.shapes[id]!.nameIds);
    (added.shapeIds ??= []).push(id);
  }

  encode(item: Item, size: number, added: DictionaryAdditions): string {
    const parts: string[] = [varint(size)];
    const nameIds: number[] = [];
    let node: ShapeNode | undefined = this.shapeTrie;
    for (const name in item) {
      const id = this.internName(name, added);
      nameIds.push(id);
      node = node?.next.get(id);
    }
    let shapeId = node?.shapeId;
    if (shapeId !== undefined) this.useShape(shapeId, added);
    else if (this.shapes.length < MAX_SHAPES) shapeId = this.addShape(nameIds, added);
    if (shapeId !== undefined) {
      parts.push(varint(shapeId));
      for (const name in item) encodeValue(item[name], parts);
    } else {
      parts.push('\x00', varint(nameIds.length));
      let i = 0;
      for (const name in item) {
        parts.push(varint(nameIds[i++]));
        encodeValue(item[name], parts);
      }
    }
    return parts.join('');
  }

  decode(s: string): Item {
    const r = new Reader(s);
    r.varint();
    const shapeId = r.varint();
    if (shapeId > 0) {
      const shape = this.shapes[shapeId]!;
      const n = shape.nameIds.length;
      const values: AttributeValue[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = r.value();
      return shape.build(values);
    }
    const item: Item = {};
    const count = r.varint();
    for (let i = 0; i < count; i++) {
      const name = this.names[r.varint()];
      setOwn(item, name, r.value());
    }
    return item;
  }

  /**
   * The item as DynamoDB JSON text, written straight from the encoding (no object tree). There
   * is no cache of these texts: on a large table most reads miss it, and the cached strings,
   * promoted to the old generation and then dropped, made the garbage collector take 40% of a
   * Query's time. Writing every answer afresh was faster for GetItem and Query alike.
   */
  toJson(s: string): string {
    const r = new Reader(s);
    r.varint();
    const shapeId = r.varint();
    if (shapeId > 0) {
      const shape = this.shapes[shapeId]!;
      const n = shape.nameIds.length;
      if (n === 0) return '{}';
      const openings = (shape.jsonOpenings ??= this.jsonOpenings(shape.nameIds));
      // A scalar is written as its opening plus its text; its closing `"}` goes out with what follows.
      let afterScalar = 0;
      let out = '';
      for (let i = 0; i < n; i++) {
        const at = afterScalar + 4 * i;
        const tag = s.charCodeAt(r.pos);
        const kind = scalarKind(tag);
        if (kind === 0) {
          out += openings[at] + r.json();
          afterScalar = 0;
          continue;
        }
        r.pos++;
        const text = r.text();
        if (tag === 83 && !JSON_SAFE.test(text)) {
          out += openings[at] + '{"S":' + JSON.stringify(text) + '}';
          afterScalar = 0;
        } else {
          out += openings[at + kind] + text;
          afterScalar = 4 * n;
        }
      }
      return out + (afterScalar === 0 ? '}' : '"}}');
    }
    const count = r.varint();
    let out = '{';
    for (let i = 0; i < count; i++) out += (i === 0 ? '' : ',') + JSON.stringify(this.names[r.varint()]) + ':' + r.json();
    return out + '}';
  }

  /**
   * For attribute i: [4i] `{"name":` (`,"name":` after the first), [4i + 1..3] the same followed
   * by `{"S":"`, `{"N":"` or `{"B":"`; then the same 4n entries again for after a scalar, which
   * start by closing it (`"}`).
   */
  private jsonOpenings(nameIds: number[]): string[] {
    const plain: string[] = [];
    const afterScalar: string[] = [];
    nameIds.forEach((id, i) => {
      const name = JSON.stringify(this.names[id]) + ':';
      for (const type of ['', '{"S":"', '{"N":"', '{"B":"']) {
        plain.push((i === 0 ? '{' : ',') + name + type);
        afterScalar.push('"},' + name + type);
      }
    });
    return plain.concat(afterScalar);
  }

  /** Reads this codec's items from their UTF-8 bytes (the log's) and writes their JSON as bytes; see json-bytes.ts. */
  get byteJson(): ByteJson {
    return (this.bytesReader ??= new ByteJson(
      (id) => {
        const shape = this.shapes[id];
        return shape === undefined ? undefined : (shape.names ??= shape.nameIds.map((n) => this.names[n]));
      },
      (id) => {
        const shape = this.shapes[id]!;
        return (shape.openingBytes ??= (shape.jsonOpenings ??= this.jsonOpenings(shape.nameIds)).map((text) => Buffer.from(text, 'utf8')));
      },
    ));
  }
  private bytesReader: ByteJson | undefined;

  /** One top-level attribute without decoding the rest (key extraction, projections of one name). */
  attribute(s: string, wanted: string): AttributeValue | undefined {
    const r = new Reader(s);
    r.varint();
    const shapeId = r.varint();
    if (shapeId > 0) {
      const ids = this.shapes[shapeId]!.nameIds;
      for (let i = 0; i < ids.length; i++) {
        if (this.names[ids[i]] === wanted) return r.value();
        r.skip();
      }
      return undefined;
    }
    const count = r.varint();
    for (let i = 0; i < count; i++) {
      const name = this.names[r.varint()];
      if (name === wanted) return r.value();
      r.skip();
    }
    return undefined;
  }
}

/**
 * A stored item on its way out of an operation. `Database.execute` turns it into the plain object;
 * the HTTP endpoint writes its JSON directly from the encoding.
 */
export class EncodedItem {
  constructor(
    readonly codec: ItemCodec,
    readonly encoded: string,
  ) {}

  decode(): Item {
    return this.codec.decode(this.encoded);
  }

  toJSON(): Item {
    return this.decode();
  }

  json(): string {
    return this.codec.toJson(this.encoded);
  }
}

// Strings that JSON.stringify would write unchanged between quotes.
const JSON_SAFE = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** 1, 2, 3 for the tags of S (and J), N and B values; 0 for the others. */
function scalarKind(tag: number): number {
  return tag === 83 || tag === 74 ? 1 : tag === 78 ? 2 : tag === 66 ? 3 : 0;
}

function quote(v: string): string {
  return JSON_SAFE.test(v) ? '"' + v + '"' : JSON.stringify(v);
}

/** The item size (DynamoDB's rules) recorded when the item was encoded. */
export function encodedItemSize(s: string): number {
  return new Reader(s).varint();
}

function setOwn(target: Record<string, AttributeValue>, name: string, value: AttributeValue): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

function compileBuilder(names: string[]): Builder {
  const members = names.map((name, i) => (name === '__proto__' ? `["__proto__"]:v[${i}]` : `${JSON.stringify(name)}:v[${i}]`));
  return new Function('v', `return {${members.join(',')}};`) as Builder;
}

export function varint(n: number): string {
  if (n < 128) return String.fromCharCode(n);
  let s = '';
  while (n >= 128) {
    s += String.fromCharCode((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  return s + String.fromCharCode(n);
}

function encodeValue(v: AttributeValue, parts: string[]): void {
  const a = v as Record<string, unknown>;
  if (a.S !== undefined) {
    const text = a.S as string;
    parts.push(JSON_SAFE.test(text) ? 'J' : 'S', varint(text.length), text);
  }
  else if (a.N !== undefined) parts.push('N', varint((a.N as string).length), a.N as string);
  else if (a.B !== undefined) parts.push('B', varint((a.B as string).length), a.B as string);
  else if (a.BOOL !== undefined) parts.push(a.BOOL ? 'T' : 'F');
  else if (a.NULL !== undefined) parts.push('0');
  else if (a.L !== undefined) {
    const list = a.L as AttributeValue[];
    parts.push('L', varint(list.length));
    for (const e of list) encodeValue(e, parts);
  } else if (a.M !== undefined) {
    const map = a.M as Record<string, AttributeValue>;
    const keys = Object.keys(map);
    parts.push('M', varint(keys.length));
    for (const k of keys) {
      parts.push(varint(k.length), k);
      encodeValue(map[k], parts);
    }
  } else {
    const tag = a.SS !== undefined ? 's' : a.NS !== undefined ? 'n' : 'b';
    const set = (a.SS ?? a.NS ?? a.BS) as string[];
    parts.push(tag, varint(set.length));
    for (const e of set) parts.push(varint(e.length), e);
  }
}

class Reader {
  pos = 0;
  constructor(readonly s: string) {}

  varint(): number {
    const s = this.s;
    let c = s.charCodeAt(this.pos++);
    if (c < 128) return c;
    let n = c & 127;
    let scale = 128;
    for (;;) {
      c = s.charCodeAt(this.pos++);
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
  }

  text(): string {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    return this.s.slice(start, this.pos);
  }

  value(): AttributeValue {
    switch (this.s.charCodeAt(this.pos++)) {
      case 83 /* S */:
      case 74 /* J */:
        return { S: this.text() };
      case 78 /* N */:
        return { N: this.text() };
      case 66 /* B */:
        return { B: this.text() };
      case 84 /* T */:
        return { BOOL: true };
      case 70 /* F */:
        return { BOOL: false };
      case 48 /* 0 */:
        return { NULL: true };
      case 76 /* L */: {
        const n = this.varint();
        const list: AttributeValue[] = new Array(n);
        for (let i = 0; i < n; i++) list[i] = this.value();
        return { L: list };
      }
      case 77 /* M */: {
        const n = this.varint();
        const map: Record<string, AttributeValue> = {};
        for (let i = 0; i < n; i++) {
          const name = this.text();
          setOwn(map, name, this.value());
        }
        return { M: map };
      }
      case 115 /* s */:
        return { SS: this.texts() };
      case 110 /* n */:
        return { NS: this.texts() };
      case 98 /* b */:
        return { BS: this.texts() };
      default:
        throw new Error(`corrupt item encoding at ${this.pos - 1}`);
    }
  }

  json(): string {
    switch (this.s.charCodeAt(this.pos++)) {
      case 83:
        return '{"S":' + quote(this.text()) + '}';
      case 74:
        return '{"S":"' + this.text() + '"}';
      case 78:
        return '{"N":"' + this.text() + '"}';
      case 66:
        return '{"B":"' + this.text() + '"}';
      case 84:
        return '{"BOOL":true}';
      case 70:
        return '{"BOOL":false}';
      case 48:
        return '{"NULL":true}';
      case 76: {
        const n = this.varint();
        let out = '{"L":[';
        for (let i = 0; i < n; i++) out += (i === 0 ? '' : ',') + this.json();
        return out + ']}';
      }
      case 77: {
        const n = this.varint();
        let out = '{"M":{';
        for (let i = 0; i < n; i++) out += (i === 0 ? '' : ',') + quote(this.text()) + ':' + this.json();
        return out + '}}';
      }
      case 115:
        return '{"SS":[' + this.texts().map(quote).join(',') + ']}';
      case 110:
        return '{"NS":["' + this.texts().join('","') + '"]}';
      case 98:
        return '{"BS":["' + this.texts().join('","') + '"]}';
      default:
        throw new Error(`corrupt item encoding at ${this.pos - 1}`);
    }
  }

  private texts(): string[] {
    const n = this.varint();
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.text();
    return out;
  }

  skip(): void {
    switch (this.s.charCodeAt(this.pos++)) {
      case 83:
      case 74:
      case 78:
      case 66:
        this.skipText();
        return;
      case 84:
      case 70:
      case 48:
        return;
      case 76: {
        const n = this.varint();
        for (let i = 0; i < n; i++) this.skip();
        return;
      }
      case 77: {
        const n = this.varint();
        for (let i = 0; i < n; i++) {
          this.skipText();
          this.skip();
        }
        return;
      }
      default: {
        const n = this.varint();
        for (let i = 0; i < n; i++) this.skipText();
      }
    }
  }

  private skipText(): void {
    // Read the length first: `this.pos += this.varint()` would add to the position before the read.
    const len = this.varint();
    this.pos += len;
  }
}
