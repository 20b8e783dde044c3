// Lexer for DynamoDB's expression language (condition, filter, key condition, projection and
// update expressions). It never fails: a character that starts no token becomes an UNKNOWN token of
// its own, so the parser reports it as a syntax error with DynamoDB's "token"/"near" format.
//
// Lexical rules (as observed on DynamoDB):
// - whitespace is only space, tab, CR and LF;
// - a name is [A-Za-z][A-Za-z0-9_]*; the keywords AND OR NOT BETWEEN IN SET REMOVE ADD DELETE are
//   names matched case-insensitively;
// - '#' or ':' followed by [A-Za-z0-9_]+ is an expression attribute name / value placeholder;
// - a number (only used for list indexes) is "0" or [1-9][0-9]*, so "01" is two tokens;
// - punctuation: ( ) [ ] , . = <> < <= > >= + -;
// - anything else is a one-character UNKNOWN token: one UTF-16 unit, so half a surrogate pair
//   (DynamoDB echoes that lone surrogate in its message, as we do).

export type Keyword = 'AND' | 'OR' | 'NOT' | 'BETWEEN' | 'IN' | 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

export type TokenType =
  | 'NAME'
  | 'NAME_REF'
  | 'VALUE_REF'
  | 'NUMBER'
  | Keyword
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '.'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | 'UNKNOWN'
  | 'EOF';

export interface Token {
  readonly type: TokenType;
  /** The token's text as written ("<EOF>" for the end). */
  readonly text: string;
  /** Offset of the first UTF-16 unit in the expression. */
  readonly start: number;
  /** Offset just past the last UTF-16 unit (for EOF: the expression's length). */
  readonly end: number;
}

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map(
  (['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE'] as const).map((k) => [k, k]),
);

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95; /* _ */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Splits an expression into tokens; the last token is always EOF. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (type: TokenType, start: number, end: number): void => {
    tokens.push({ type, text: text.slice(start, end), start, end });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isLetter(c)) {
      i++;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      const keyword = word.length <= 7 ? KEYWORDS.get(word.toUpperCase()) : undefined;
      tokens.push({ type: keyword ?? 'NAME', text: word, start, end: i });
      continue;
    }
    if (isDigit(c)) {
      i++;
      if (c !== 48 /* 0 */) while (i < n && isDigit(text.charCodeAt(i))) i++;
      push('NUMBER', start, i);
      continue;
    }
    if ((c === 35 /* # */ || c === 58) /* : */ && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      push(c === 35 ? 'NAME_REF' : 'VALUE_REF', start, i);
      continue;
    }
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    switch (c) {
      case 40: push('(', i, ++i); continue;
      case 41: push(')', i, ++i); continue;
      case 91: push('[', i, ++i); continue;
      case 93: push(']', i, ++i); continue;
      case 44: push(',', i, ++i); continue;
      case 46: push('.', i, ++i); continue;
      case 61: push('=', i, ++i); continue;
      case 43: push('+', i, ++i); continue;
      case 45: push('-', i, ++i); continue;
      case 60: // <
        if (next === 62) { push('<>', i, (i += 2)); continue; }
        if (next === 61) { push('<=', i, (i += 2)); continue; }
        push('<', i, ++i);
        continue;
      case 62: // >
        if (next === 61) { push('>=', i, (i += 2)); continue; }
        push('>', i, ++i);
        continue;
      default:
        push('UNKNOWN', i, ++i);
    }
  }
  tokens.push({ type: 'EOF', text: '<EOF>', start: n, end: n });
  return tokens;
}

/**
 * DynamoDB's syntax error text for the token at `index`: the token itself and the source text
 * from the start of the previous token to the end of the next one.
 */
export function syntaxErrorDetail(text: string, tokens: readonly Token[], index: number): string {
  const token = tokens[index]!;
  const from = index > 0 ? tokens[index - 1]!.start : 0;
  const to = index + 1 < tokens.length ? tokens[index + 1]!.end : token.end;
  return `Syntax error; token: "${token.text}", near: "${text.slice(from, to)}"`;
}
