// PartiQL tokens as DynamoDB reads them. Keywords are bare identifiers compared without case by
// the parser; a quoted identifier ("name", with "" for a quote) is never a keyword. Strings are
// single-quoted ('' for a quote). Anything else that is not a token makes the statement
// "not well formed", DynamoDB's one message for every syntax error.
import { validation } from '../errors';

export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'punct' | 'param' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset in the statement, for the parser's messages. */
  readonly at: number;
}

/** DynamoDB's answer to any statement it cannot parse. */
export const malformed = (statement: string) => validation(`Statement wasn't well formed, can't be processed: ${statement}`);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // _
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 36; // $

const SINGLE = new Set(['*', ',', '.', '(', ')', '[', ']', '{', '}', ':', '=', '<', '>', '+', '-', '/', '%', ';']);
const DOUBLE = new Set(['<<', '>>', '<=', '>=', '<>', '!=', '||']);

/** The punctuation token at `i`, two characters before one (so '<=' is not '<' then '='). */
function punctAt(s: string, i: number): string | undefined {
  const two = s.slice(i, i + 2);
  if (DOUBLE.has(two)) return two;
  return SINGLE.has(s[i]) ? s[i] : undefined;
}

export function tokenize(statement: string): Token[] {
  const out: Token[] = [];
  const s = statement;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    const code = s.charCodeAt(i);
    if (isLetter(code)) {
      while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
      out.push({ kind: 'ident', text: s.slice(start, i), at: start });
      continue;
    }
    if (isDigit(code) || (c === '.' && isDigit(s.charCodeAt(i + 1)))) {
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      if (s[i] === '.') {
        i++;
        while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      }
      if ((s[i] === 'e' || s[i] === 'E') && (isDigit(s.charCodeAt(i + 1)) || s[i + 1] === '-' || s[i + 1] === '+')) {
        i += 2;
        while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      }
      out.push({ kind: 'number', text: s.slice(start, i), at: start });
      continue;
    }
    if (c === "'" || c === '"') {
      let text = '';
      i++;
      for (;;) {
        const close = s.indexOf(c, i);
        if (close < 0) throw malformed(statement);
        text += s.slice(i, close);
        i = close + 1;
        if (s[i] !== c) break;
        // A doubled quote stands for one.
        text += c;
        i++;
      }
      out.push({ kind: c === "'" ? 'string' : 'quoted', text, at: start });
      continue;
    }
    if (c === '?') {
      out.push({ kind: 'param', text: '?', at: start });
      i++;
      continue;
    }
    const p = punctAt(s, i);
    if (p === undefined) throw malformed(statement);
    out.push({ kind: 'punct', text: p, at: start });
    i += p.length;
  }
  out.push({ kind: 'end', text: '', at: s.length });
  return out;
}
