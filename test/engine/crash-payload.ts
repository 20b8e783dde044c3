import { createHash } from 'node:crypto';

/** Deterministic content for (key, version), sized 10 B to ~6 KB so some records span pages. */
export function payloadFor(key: string, version: number): string {
  const digest = createHash('sha1').update(`${key}:${version}`).digest('hex');
  return digest.repeat(1 + (version % 150));
}
