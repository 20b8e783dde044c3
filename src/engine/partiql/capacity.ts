// ConsumedCapacity of a PartiQL request that ran several operations (a batch, a partition IN
// list): their entries added up per table, as DynamoDB reports one entry per table.
/** Adds up ConsumedCapacity entries per table (every numeric member, at any depth). */
export function sumCapacity(entries: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const byTable = new Map<string, Record<string, unknown>>();
  const add = (into: Record<string, unknown>, from: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(from)) {
      if (typeof v === 'number') into[k] = ((into[k] as number | undefined) ?? 0) + v;
      else if (v !== null && typeof v === 'object') add((into[k] ??= {}) as Record<string, unknown>, v as Record<string, unknown>);
      else into[k] = v;
    }
  };
  for (const e of entries) {
    const name = e.TableName as string;
    const into = byTable.get(name) ?? {};
    add(into, e);
    byTable.set(name, into);
  }
  return [...byTable.values()];
}
