// How the explorer writes times, sizes and sequence numbers in its rows: short, in local time,
// with the exact value (UTC) left for the hover.
import { formatBytes } from '../../protocol/capacity';

export { formatBytes };

export const timeOfDay = (t: number, seconds: boolean) => new Date(t).toTimeString().slice(0, seconds ? 8 : 5);

/** "6 Dec 14:32:05" in local time, from epoch seconds (the wire's unit). */
export function shortTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getDate()} ${d.toLocaleString('en-US', { month: 'short' })} ${timeOfDay(d.getTime(), true)}`;
}

/** Local and UTC, for hovers. */
export function fullTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.toLocaleString('en-GB')} local (${d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`;
}

/** A sequence number without its zero padding (the full one goes in the hover). */
export function shortSequence(sequence: string): string {
  return sequence.replace(/^0+(?=\d)/, '');
}
