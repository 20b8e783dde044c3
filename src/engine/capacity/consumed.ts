// The ConsumedCapacity member of a response, in the shapes DynamoDB returns:
//   TOTAL    {TableName, CapacityUnits}
//   INDEXES  {TableName, CapacityUnits, Table: {CapacityUnits},
//             LocalSecondaryIndexes?: {name: {CapacityUnits}}, GlobalSecondaryIndexes?: {...}}
// CapacityUnits is the sum over the table and every index touched. Single-item operations, Query,
// Scan and the batch operations report CapacityUnits only; transactions add ReadCapacityUnits or
// WriteCapacityUnits beside it at every level. An index appears only when the operation charged it;
// a read served by an index alone still reports the table arm, with zero units.

/** Units one operation consumed on one table and its indexes. */
export interface Consumption {
  table: number;
  gsi: Record<string, number> | undefined;
  lsi: Record<string, number> | undefined;
}

export function consumption(table = 0): Consumption {
  return { table, gsi: undefined, lsi: undefined };
}

export function addIndexUnits(c: Consumption, kind: 'GSI' | 'LSI', name: string, units: number): void {
  if (units <= 0) return;
  if (kind === 'GSI') {
    const m = (c.gsi ??= {});
    m[name] = (m[name] ?? 0) + units;
  } else {
    const m = (c.lsi ??= {});
    m[name] = (m[name] ?? 0) + units;
  }
}

/** Adds `from` into `into` (a batch's per-table sum). */
export function addConsumption(into: Consumption, from: Consumption): void {
  into.table += from.table;
  if (from.gsi) for (const n in from.gsi) addIndexUnits(into, 'GSI', n, from.gsi[n]!);
  if (from.lsi) for (const n in from.lsi) addIndexUnits(into, 'LSI', n, from.lsi[n]!);
}

export function totalUnits(c: Consumption): number {
  let t = c.table;
  if (c.gsi) for (const n in c.gsi) t += c.gsi[n]!;
  if (c.lsi) for (const n in c.lsi) t += c.lsi[n]!;
  return t;
}

export interface ShapeOptions {
  kind: 'read' | 'write';
  /** Transactions also report ReadCapacityUnits / WriteCapacityUnits. */
  transactional?: boolean;
}

function arm(units: number, o: ShapeOptions): Record<string, number> {
  if (!o.transactional) return { CapacityUnits: units };
  return o.kind === 'read' ? { ReadCapacityUnits: units, CapacityUnits: units } : { WriteCapacityUnits: units, CapacityUnits: units };
}

function arms(m: Record<string, number>, o: ShapeOptions): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const n in m) out[n] = arm(m[n]!, o);
  return out;
}

/** Whether ReturnConsumedCapacity `mode` asks for a ConsumedCapacity object (not NONE / absent). */
export function reportsCapacity(mode: string | undefined): mode is 'TOTAL' | 'INDEXES' {
  return mode === 'TOTAL' || mode === 'INDEXES';
}

/** The ConsumedCapacity object for ReturnConsumedCapacity `mode`, or undefined for NONE / absent. */
export function consumedCapacity(
  mode: string | undefined,
  tableName: string,
  c: Consumption,
  o: ShapeOptions,
): Record<string, unknown> | undefined {
  if (!reportsCapacity(mode)) return undefined;
  const total = totalUnits(c);
  const out: Record<string, unknown> = { TableName: tableName, CapacityUnits: total };
  if (o.transactional) out[o.kind === 'read' ? 'ReadCapacityUnits' : 'WriteCapacityUnits'] = total;
  if (mode === 'INDEXES') {
    out.Table = arm(c.table, o);
    if (c.lsi) out.LocalSecondaryIndexes = arms(c.lsi, o);
    if (c.gsi) out.GlobalSecondaryIndexes = arms(c.gsi, o);
  }
  return out;
}
