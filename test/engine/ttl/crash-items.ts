// The items of the TTL crash test, shared by the child that writes them and the test that checks them.
import { payloadFor } from '../crash-payload';

/** Items whose TTL has passed, and items that expire in a day. */
export const EXPIRED = 30_000;
export const LIVE = 3_000;

export function itemFor(pk: string, nowSeconds: number): Record<string, unknown> {
  const expired = pk.startsWith('e');
  const n = Number(pk.slice(1));
  return {
    pk: { S: pk },
    g: { S: `g${n % 97}` },
    exp: { N: String(expired ? nowSeconds - 60 - (n % 500) : nowSeconds + 86_400) },
    p: { S: payloadFor(pk, n % 7) },
  };
}

/** Whether a stored item is exactly what itemFor wrote (its payload intact). */
export function intact(item: Record<string, { S?: string; N?: string }>): boolean {
  const pk = item.pk.S!;
  const n = Number(pk.slice(1));
  return item.p?.S === payloadFor(pk, n % 7) && item.g?.S === `g${n % 97}`;
}
