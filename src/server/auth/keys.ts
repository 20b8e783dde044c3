// Reading the access keys the endpoint accepts, from a file or an environment variable.
//
// File forms (chosen by the first non-blank character):
//   JSON  {"AKIDEXAMPLE": "secret", ...}   (access key id -> secret access key)
//   INI   the AWS credentials-file shape: sections holding aws_access_key_id and
//         aws_secret_access_key; every complete section adds one key
// Environment (DYNAMO_WORKSPACE_AUTH_KEYS): AKID:SECRET[,AKID:SECRET]... (secrets contain neither
// ':' nor ',').
// Invariant: a result is never empty, and every id and secret is a non-empty string without
// surrounding blanks; anything else is an AuthKeysError naming what is wrong (never the secret).

export class AuthKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthKeysError';
  }
}

function add(keys: Map<string, string>, id: string, secret: string, where: string): void {
  const cleanId = id.trim();
  const cleanSecret = secret.trim();
  if (cleanId === '' || cleanSecret === '') throw new AuthKeysError(`${where}: an access key id and its secret must both be non-empty`);
  if (keys.has(cleanId) && keys.get(cleanId) !== cleanSecret) throw new AuthKeysError(`${where}: access key id ${cleanId} is given twice with different secrets`);
  keys.set(cleanId, cleanSecret);
}

function nonEmpty(keys: Map<string, string>, where: string): Map<string, string> {
  if (keys.size === 0) throw new AuthKeysError(`${where}: no access keys found`);
  return keys;
}

function parseJson(text: string, where: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AuthKeysError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthKeysError(`${where}: expected a JSON object mapping access key ids to secret access keys`);
  }
  const keys = new Map<string, string>();
  for (const [id, secret] of Object.entries(value)) {
    if (typeof secret !== 'string') throw new AuthKeysError(`${where}: the secret for access key id ${id} must be a string`);
    add(keys, id, secret, where);
  }
  return nonEmpty(keys, where);
}

function parseIni(text: string, where: string): Map<string, string> {
  const keys = new Map<string, string>();
  let section = '(before any section)';
  let id: string | undefined;
  let secret: string | undefined;
  const flush = (): void => {
    if (id === undefined && secret === undefined) return;
    if (id === undefined || secret === undefined) {
      throw new AuthKeysError(`${where}: section [${section}] needs both aws_access_key_id and aws_secret_access_key`);
    }
    add(keys, id, secret, `${where} [${section}]`);
  };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header !== null) {
      flush();
      section = header[1]!.trim();
      id = undefined;
      secret = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const name = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (name === 'aws_access_key_id') id = value;
    else if (name === 'aws_secret_access_key') secret = value;
  }
  flush();
  return nonEmpty(keys, where);
}

/** Parses a keys file's text; `where` names it in errors. */
export function parseKeysFile(text: string, where: string): Map<string, string> {
  return text.trimStart().startsWith('{') ? parseJson(text, where) : parseIni(text, where);
}

/** Parses DYNAMO_WORKSPACE_AUTH_KEYS's form, AKID:SECRET[,AKID:SECRET]... */
export function parseKeysList(text: string, where: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new AuthKeysError(`${where}: each entry must be <access key id>:<secret access key>`);
    add(keys, entry.slice(0, colon), entry.slice(colon + 1), where);
  }
  return nonEmpty(keys, where);
}
