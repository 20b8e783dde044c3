// Names as DynamoDB checks them, said before a request is sent: table names (CreateTable, and
// the target of a restore) and backup names are 3-255 characters of letters, digits, _ . -; a
// PITR recovery period is a whole number of days from 1 to 35. Also the default name of a
// restored table, `<table>-restored-HHMM` (local time), made unique among the tables there.
// Pure functions: the extension's input boxes and the webviews use the same ones.

export const NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;
const MAX_NAME = 255;

function nameProblem(kind: string, name: string): string | undefined {
  if (name.length < 3 || name.length > MAX_NAME) return `${kind} names are 3 to 255 characters long (this one has ${name.length})`;
  const bad = [...new Set(name.replace(/[a-zA-Z0-9_.-]/g, ''))];
  if (bad.length) return `${kind} names use only letters, digits, _ . - (not ${bad.map((c) => (c === ' ' ? 'a space' : JSON.stringify(c))).join(', ')})`;
  return undefined;
}

/** Why `name` cannot name a table (undefined: it can). `existing`: the tables already there. */
export function tableNameProblem(name: string, existing: readonly string[] = []): string | undefined {
  return nameProblem('Table', name) ?? (existing.includes(name) ? `A table named ${name} already exists` : undefined);
}

export function backupNameProblem(name: string): string | undefined {
  return nameProblem('Backup', name);
}

/** Why a typed recovery period is not one DynamoDB takes (undefined: it is). */
export function recoveryPeriodProblem(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 35) return 'The recovery period is a whole number of days from 1 to 35';
  return undefined;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `<source>-restored-HHMM` at `at` (local time), shortened to fit and numbered past existing tables. */
export function restoredTableName(source: string, at: Date, existing: readonly string[] = []): string {
  const suffix = `-restored-${two(at.getHours())}${two(at.getMinutes())}`;
  for (let n = 1; ; n++) {
    const tail = n === 1 ? suffix : `${suffix}-${n}`;
    const name = source.slice(0, MAX_NAME - tail.length) + tail;
    if (!existing.includes(name)) return name;
  }
}

/** `<table>-YYYYMMDD-HHMM` at `at` (local time), the default name of an on-demand backup. */
export function defaultBackupName(table: string, at: Date): string {
  const tail = `-${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}`;
  return table.slice(0, MAX_NAME - tail.length) + tail;
}
