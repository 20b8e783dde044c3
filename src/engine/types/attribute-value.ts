// DynamoDB's wire shapes, as the JSON 1.0 protocol carries them: numbers are decimal strings,
// binaries are base64 strings.
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type Item = Record<string, AttributeValue>;
export type Key = Record<string, AttributeValue>;
export type ScalarType = 'S' | 'N' | 'B';
export type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS';

/** The single type tag of a value that has already been validated. */
export function typeOf(value: AttributeValue): AttributeType {
  for (const k in value) return k as AttributeType;
  throw new Error('empty attribute value');
}
