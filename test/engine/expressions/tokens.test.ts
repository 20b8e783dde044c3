import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntaxErrorDetail, tokenize } from '../../../src/engine/expressions/tokens.js';

const types = (text: string): string[] => tokenize(text).map((t) => t.type);
const texts = (text: string): string[] => tokenize(text).map((t) => t.text);

test('names, keywords (any case) and placeholders', () => {
  assert.deepEqual(types('a_1 AND and And ANDx #n_1 :v2 #1 :_'), ['NAME', 'AND', 'AND', 'AND', 'NAME', 'NAME_REF', 'VALUE_REF', 'NAME_REF', 'VALUE_REF', 'EOF']);
  assert.deepEqual(
    types('OR NOT BETWEEN IN SET REMOVE ADD DELETE or not between in set remove add delete'),
    ['OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE', 'EOF'],
  );
  // Function names are plain names.
  assert.deepEqual(types('size begins_with'), ['NAME', 'NAME', 'EOF']);
});

test('a name starts with a letter; _ and digits cannot start one', () => {
  assert.deepEqual(texts('_a 1a'), ['_', 'a', '1', 'a', '<EOF>']);
  assert.deepEqual(types('_a'), ['UNKNOWN', 'NAME', 'EOF']);
});

test('numbers: 0 alone, otherwise no leading zero', () => {
  assert.deepEqual(texts('0 01 10 007'), ['0', '0', '1', '10', '0', '0', '7', '<EOF>']);
  assert.ok(types('123').every((t) => t === 'NUMBER' || t === 'EOF'));
});

test('a lone # or : is an unknown character', () => {
  assert.deepEqual(types('# : #- :.'), ['UNKNOWN', 'UNKNOWN', 'UNKNOWN', '-', 'UNKNOWN', '.', 'EOF']);
});

test('punctuation and two-character comparators', () => {
  assert.deepEqual(texts('a<>b<=c>=d<e>f=g'), ['a', '<>', 'b', '<=', 'c', '>=', 'd', '<', 'e', '>', 'f', '=', 'g', '<EOF>']);
  assert.deepEqual(types('()[],.+-'), ['(', ')', '[', ']', ',', '.', '+', '-', 'EOF']);
  // "!=" and "==" are not operators.
  assert.deepEqual(texts('!=='), ['!', '=', '=', '<EOF>']);
});

test('whitespace is space, tab, CR and LF only', () => {
  assert.deepEqual(types(' \t\r\na'), ['NAME', 'EOF']);
  for (const ch of ['\f', '\v', '\u00a0', '\u2003', '\u0000', '\ufeff']) {
    assert.deepEqual(types(`a${ch}`), ['NAME', 'UNKNOWN', 'EOF'], JSON.stringify(ch));
  }
});

test('characters outside ASCII are one-unit unknown tokens (half a surrogate pair each)', () => {
  assert.deepEqual(texts('é😀'), ['é', '\ud83d', '\ude00', '<EOF>']);
});

test('tokens know their offsets; EOF sits at the end', () => {
  const tokens = tokenize('  ab = :v ');
  assert.deepEqual(tokens.map((t) => [t.start, t.end]), [[2, 4], [5, 6], [7, 9], [10, 10]]);
});

test('syntax error detail: the token, and the text from the previous token to the next', () => {
  const detail = (text: string, index: number): string => syntaxErrorDetail(text, tokenize(text), index);
  assert.equal(detail('a = b c', 3), 'Syntax error; token: "c", near: "b c"');
  assert.equal(detail('a = b $ c', 3), 'Syntax error; token: "$", near: "b $ c"');
  assert.equal(detail('a =  ', 2), 'Syntax error; token: "<EOF>", near: "=  "');
  assert.equal(detail('  ,a', 0), 'Syntax error; token: ",", near: "  ,a"');
  assert.equal(detail('  ', 0), 'Syntax error; token: "<EOF>", near: "  "');
  assert.equal(detail('a = b   c   ', 3), 'Syntax error; token: "c", near: "b   c   "');
  assert.equal(detail('a[x] = b', 2), 'Syntax error; token: "x", near: "[x]"');
});
