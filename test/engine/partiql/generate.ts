// Seeded generator of PartiQL statements for the differential test (oracle.test.ts): a session of
// INSERTs that fill two tables, then SELECTs (Query, GetItem, Scan, index, projections, every
// function and predicate), UPDATEs, DELETEs and refused statements, mixed. The same seed gives the
// same session, so the recorded fixture and a regenerated one agree.
import type { AttributeValue } from '../../../src/engine/types/attribute-value';
import { seededRandom } from '../log/fault-fs';

export interface StatementCase {
  Statement: string;
  Parameters?: AttributeValue[];
  Limit?: number;
  /** The answer's order is defined (a Query): compare it as a sequence, else as a set. */
  ordered?: boolean;
}

/** Tables the session uses (created before it starts). */
export const TABLES = [
  {
    TableName: 'pq_sort',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'g', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [
      { IndexName: 'by_g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
    ],
  },
  {
    TableName: 'pq_hash',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  },
];

export function generate(seed: number, count: number): StatementCase[] {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => rnd() < p;
  const PKS = ['a', 'b', 'c', 'd'];
  const WORDS = ['apple', 'apricot', 'banana', 'cherry', 'pear', 'plum'];
  const GS = ['g1', 'g2'];
  const IDS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

  // A value as literal text, or as `?` with the value pushed to params.
  const lit = (v: AttributeValue, text: string, params: AttributeValue[]) => {
    if (chance(0.25)) {
      params.push(v);
      return '?';
    }
    return text;
  };
  const num = (n: number, params: AttributeValue[]) => lit({ N: String(n) }, String(n), params);
  const str = (s: string, params: AttributeValue[]) => lit({ S: s }, `'${s}'`, params);

  const filter = (params: AttributeValue[], depth = 0): string => {
    const k = int(depth > 0 ? 18 : 20);
    switch (k) {
      case 0: return `x > ${num(int(10), params)}`;
      case 1: return `x = ${num(int(10), params)}`;
      case 2: return `x <> ${num(int(10), params)}`;
      case 3: return `x BETWEEN ${num(int(5), params)} AND ${num(3 + int(6), params)}`;
      case 4: return `x IN [${num(int(10), params)}, ${num(int(10), params)}]`;
      case 5: return `s = ${str(pick(WORDS), params)}`;
      case 6: return `begins_with(s, ${str(pick(['ap', 'b', 'p', 'pl']), params)})`;
      case 7: return `contains(s, ${str(pick(['an', 'e', 'r']), params)})`;
      case 8: return `contains(t, ${str(pick(['u1', 'u2', 'u3']), params)})`;
      case 9: return `attribute_type(x, ${str(pick(['N', 'S']), params)})`;
      case 10: return `size(l) > ${num(int(4), params)}`;
      case 11: return `size(s) = ${num(4 + int(3), params)}`;
      case 12: return `x IS MISSING`;
      case 13: return `x IS NOT MISSING`;
      case 14: return `m.a = ${num(int(4), params)}`;
      case 15: return `l[0] < ${num(int(10), params)}`;
      case 16: return `b = ${pick(['TRUE', 'FALSE'])}`;
      case 17: return `s < ${str(pick(WORDS), params)}`;
      case 18: return `NOT (${filter(params, depth + 1)})`;
      default: return `(${filter(params, depth + 1)} OR ${filter(params, depth + 1)})`;
    }
  };

  const projection = () => {
    if (chance(0.5)) return '*';
    const cols = ['x', 's', 'm.a', 'l[0]', 't', 'pk', 'sk', 'b', 'm', 'l[1]'];
    const chosen = new Set<string>();
    const n = 1 + int(3);
    while (chosen.size < n) chosen.add(pick(cols));
    // m with m.a overlaps, and l[0] with l[1] collide on no alias: keep what DynamoDB refuses rare.
    return [...chosen].join(', ');
  };

  const item = (params: AttributeValue[], key: string) => {
    const parts = [key];
    if (chance(0.8)) parts.push(`'x': ${num(int(10), params)}`);
    if (chance(0.7)) parts.push(`'s': ${str(pick(WORDS), params)}`);
    if (chance(0.5)) parts.push(`'g': ${str(pick(GS), params)}`);
    if (chance(0.5)) parts.push(`'m': {'a': ${chance(0.05) ? num(int(4), params) : int(4)}, 'b': 'w'}`);
    if (chance(0.5)) parts.push(`'l': [${Array.from({ length: 1 + int(4) }, () => int(10)).join(', ')}]`);
    if (chance(0.4)) parts.push(`'t': <<${[...new Set(Array.from({ length: 1 + int(3) }, () => `'u${1 + int(3)}'`))].join(', ')}>>`);
    if (chance(0.3)) parts.push(`'b': ${pick(['TRUE', 'FALSE'])}`);
    return `{${parts.join(', ')}}`;
  };

  const sortKey = (params: AttributeValue[]) => `pk = ${str(pick(PKS), params)} AND sk = ${num(1 + int(8), params)}`;
  const out: StatementCase[] = [];
  const push = (Statement: string, params: AttributeValue[], extra: Partial<StatementCase> = {}) =>
    out.push({ Statement, ...(params.length ? { Parameters: params } : {}), ...extra });

  // Fill both tables (some keys come up twice: DuplicateItem).
  for (let i = 0; i < 40; i++) {
    const params: AttributeValue[] = [];
    push(`INSERT INTO pq_sort VALUE ${item(params, `'pk': ${str(pick(PKS), params)}, 'sk': ${num(1 + int(8), params)}`)}`, params);
  }
  for (let i = 0; i < 8; i++) {
    const params: AttributeValue[] = [];
    push(`INSERT INTO "pq_hash" VALUE ${item(params, `'id': ${str(pick(IDS), params)}`)}`, params);
  }

  while (out.length < count) {
    const params: AttributeValue[] = [];
    const k = int(100);
    if (k < 22) {
      // Query on the partition key, with a sort-key condition and a filter sometimes.
      let where = `pk = ${str(pick(PKS), params)}`;
      if (chance(0.5)) where += ` AND ${pick([() => `sk > ${num(int(8), params)}`, () => `sk <= ${num(int(8), params)}`, () => `sk BETWEEN ${num(1 + int(3), params)} AND ${num(3 + int(5), params)}`, () => `begins_with(sk, ${num(1, params)})`])()}`;
      if (chance(0.5)) where += ` AND ${filter(params)}`;
      // ORDER BY with a projection fails inside DynamoDB Local (InternalFailure): '*' only.
      const desc = chance(0.2);
      push(`SELECT ${desc ? '*' : projection()} FROM pq_sort WHERE ${where}${desc ? ' ORDER BY sk DESC' : ''}`, params, { ordered: true, ...(chance(0.2) ? { Limit: 1 + int(3) } : {}) });
    } else if (k < 32) {
      push(`SELECT ${projection()} FROM pq_sort WHERE ${sortKey(params)}`, params, { ordered: true });
    } else if (k < 47) {
      push(`SELECT ${projection()} FROM pq_sort${chance(0.7) ? ` WHERE ${filter(params)}` : ''}`, params);
    } else if (k < 53) {
      const where = `g = ${str(pick(GS), params)}${chance(0.5) ? ` AND ${filter(params)}` : ''}`;
      // Items with equal index keys come in no defined order: compared as a set.
      push(`SELECT ${projection()} FROM "pq_sort"."by_g" WHERE ${where}`, params);
    } else if (k < 58) {
      const where = pick([
        () => `id = ${str(pick(IDS), params)}`,
        () => filter(params),
        () => `id IN [${str(pick(IDS), params)}, ${str(pick(IDS), params)}]`,
        () => `(id = ${str(pick(IDS), params)} OR id = ${str(pick(IDS), params)}) AND ${filter(params)}`,
      ])();
      push(`SELECT * FROM pq_hash WHERE ${where}`, params);
    } else if (k < 61) {
      // Several partitions: one Query each (compared as a set: DynamoDB Local orders them its way).
      push(`SELECT ${projection()} FROM pq_sort WHERE pk IN [${str(pick(PKS), params)}, ${str(pick(PKS), params)}]${chance(0.5) ? ` AND ${filter(params)}` : ''}`, params);
    } else if (k < 67) {
      const key = `'pk': ${str(pick(PKS), params)}, 'sk': ${num(1 + int(8), params)}`;
      push(`INSERT INTO pq_sort VALUE ${item(params, key)}`, params);
    } else if (k < 82) {
      // Thunks: only the chosen action may push parameters.
      const actions = pick([
        () => `SET x = x + ${num(1 + int(3), params)}`,
        () => `SET x = ${num(int(10), params)}`,
        () => `SET s = ${str(pick(WORDS), params)}`,
        () => `SET l = list_append(l, [${int(10)}])`,
        () => `SET m.a = ${num(int(4), params)}`,
        () => `SET t = set_add(t, <<'${pick(['u1', 'u4'])}'>>)`,
        () => `REMOVE x`,
        () => `REMOVE m.b REMOVE l[0]`,
        () => `SET x = 1 REMOVE s`,
        () => `SET y = ${str('new', params)}, x = x - 1`,
        () => `SET l = list_append(l, [${num(int(10), params)}])`,
        () => `REMOVE m.b, l[0]`,
      ])();
      const cond = chance(0.3) ? ` AND ${filter(params)}` : '';
      const ret = chance(0.5) ? ` RETURNING ${pick(['ALL OLD', 'MODIFIED OLD', 'ALL NEW', 'MODIFIED NEW'])} *` : '';
      push(`UPDATE pq_sort ${actions} WHERE ${sortKey(params)}${cond}${ret}`, params);
    } else if (k < 90) {
      const cond = chance(0.3) ? ` AND ${filter(params)}` : '';
      push(`DELETE FROM pq_sort WHERE ${sortKey(params)}${cond}${chance(0.4) ? ' RETURNING ALL OLD *' : ''}`, params);
    } else {
      // Statements DynamoDB refuses.
      push(
        pick([
          'SELEC * FROM pq_sort',
          'SELECT * FROM pq_sort WHERE pk =',
          "UPDATE pq_sort SET x = 1 WHERE pk = 'a'",
          "DELETE FROM pq_sort WHERE sk = 1",
          "INSERT INTO pq_sort VALUE {'pk': 'z'}",
          "SELECT * FROM pq_sort WHERE pk = 1",
          "SELECT * FROM pq_sort WHERE pk = 'a' AND sk = 'x'",
          "UPDATE pq_sort SET sk = 2 WHERE pk = 'a' AND sk = 1",
          "UPDATE pq_sort SET x = size(s) WHERE pk = 'a' AND sk = 1",
          "SELECT * FROM pq_sort WHERE exists(x)",
          "SELECT x, x FROM pq_sort",
          "SELECT * FROM \"pq_sort\".\"nope_index\" WHERE g = 'g1'",
          "INSERT INTO pq_sort VALUE {'pk': 'a', 'sk': 1} RETURNING ALL OLD *",
          "DELETE FROM pq_sort WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
          "UPDATE pq_sort SET x = 1 WHERE pk = 'a' AND sk = 1 AND sk = 2",
          'SELECT * FROM pq_sort WHERE pk = ?',
          "UPDATE pq_sort SET t = set_add(t, <<'a', 1>>) WHERE pk = 'a' AND sk = 1",
          "SELECT * FROM pq_sort WHERE pk = 'a' AND sk BETWEEN 5 AND 2",
          "INSERT INTO pq_sort VALUE [1, 2]",
          "UPDATE pq_sort SET s = s + 1 WHERE pk = 'a' AND sk = 1",
        ]),
        [],
      );
    }
  }
  return out;
}
