// Evaluation semantics (checked against DynamoDB Local 3.3.0 where noted in oracle-cases.json).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpressions } from '../../../src/engine/expressions/index.js';
import type { AttributeValue, Item } from '../../../src/engine/types/attribute-value.js';
import { throws } from '../helpers';

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: string): AttributeValue => ({ N: n });
const B = (b: string): AttributeValue => ({ B: b });
const L = (...l: AttributeValue[]): AttributeValue => ({ L: l });
const M = (m: Record<string, AttributeValue>): AttributeValue => ({ M: m });

/** Placeholders used by the expression get these values. */
function check(expr: string, item: Item | undefined, values: Record<string, AttributeValue> = {}, names?: Record<string, string>): boolean {
  const used = Object.fromEntries(Object.entries(values).filter(([k]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(expr)));
  const compiled = compileExpressions({
    ConditionExpression: expr,
    ExpressionAttributeValues: Object.keys(used).length ? used : undefined,
    ExpressionAttributeNames: names,
  });
  return compiled.condition!.evaluate(item);
}

function update(expr: string, item: Item, values?: Record<string, AttributeValue>, names?: Record<string, string>): Item {
  return compileExpressions({ UpdateExpression: expr, ExpressionAttributeValues: values, ExpressionAttributeNames: names }).update!.apply(item);
}

const updateError = (expr: string, item: Item, values?: Record<string, AttributeValue>): string => throws(() => update(expr, item, values), 'ValidationException').message;

const project = (expr: string, item: Item): Item => compileExpressions({ ProjectionExpression: expr }).projection!.project(item);

test('comparisons: types must match; missing attributes make every comparison false except <>', () => {
  const v = { ':n': N('3'), ':s': S('3') };
  assert.equal(check('a = :n', { a: N('3') }, v), true);
  assert.equal(check('a = :s', { a: N('3') }, v), false);
  assert.equal(check('a <> :s', { a: N('3') }, v), true);
  assert.equal(check('a < :s', { a: N('3') }, v), false);
  assert.equal(check('NOT a < :s', { a: N('3') }, v), true);
  assert.equal(check('a = :n', {}, v), false);
  assert.equal(check('a <> :n', {}, v), true);
  assert.equal(check('a <> b', {}), true);
  assert.equal(check('a < :n', undefined, v), false);
  assert.equal(check('NOT a = :n', undefined, v), true);
  assert.equal(check('a IN (:n)', {}, v), false);
  assert.equal(check(':n = :n', undefined, v), true);
});

test('numbers compare exactly, beyond double precision', () => {
  const v = { ':x': N('12345678901234567890123456789012345678'), ':y': N('12345678901234567890123456789012345679') };
  assert.equal(check('a < :y', { a: v[':x'] }, v), true);
  assert.equal(check('a = :x', { a: v[':x'] }, v), true);
  assert.equal(check('a = :y', { a: v[':x'] }, v), false);
  assert.equal(check('a = :v', { a: N('100') }, { ':v': N('1E+2') }), true);
  assert.equal(check('a < :v', { a: N('-10') }, { ':v': N('-9.5') }), true);
  assert.equal(check('a BETWEEN :lo AND :hi', { a: N('0.1') }, { ':lo': N('0.1'), ':hi': N('0.10000000000000000001') }), true);
});

test('strings compare by UTF-8 bytes, binaries by bytes', () => {
  assert.equal(check('a < :v', { a: S('abc') }, { ':v': S('abd') }), true);
  assert.equal(check('a < :v', { a: S('\uffff') }, { ':v': S('😀') }), true);
  assert.equal(check('a < :v', { a: S('😀') }, { ':v': S('\uffff') }), false);
  assert.equal(check('a < :v', { a: S('B') }, { ':v': S('a') }), true);
  assert.equal(check('a > :v', { a: B('/w==') }, { ':v': B('AQ==') }), true);
  assert.equal(check('a = :v', { a: B('AQI=') }, { ':v': B('AQI=') }), true);
});

test('documents: lists in order, maps and sets regardless of order, numbers by value', () => {
  assert.equal(check('a = :v', { a: L(N('1'), S('x')) }, { ':v': L(N('1.0'), S('x')) }), true);
  assert.equal(check('a = :v', { a: L(N('1'), S('x')) }, { ':v': L(S('x'), N('1')) }), false);
  assert.equal(check('a = :v', { a: M({ x: N('1'), y: S('y') }) }, { ':v': M({ y: S('y'), x: N('1') }) }), true);
  assert.equal(check('a = :v', { a: { SS: ['x', 'y'] } }, { ':v': { SS: ['y', 'x'] } }), true);
  assert.equal(check('a = :v', { a: { NS: ['1', '2'] } }, { ':v': { NS: ['2', '1.0'] } }), true);
  assert.equal(check('a = :v', { a: { NULL: true } }, { ':v': { NULL: true } }), true);
  assert.equal(check('a = :v', { a: { BOOL: false } }, { ':v': { BOOL: true } }), false);
});

test('BETWEEN and IN', () => {
  const v = { ':lo': N('1'), ':hi': N('5'), ':s': S('1') };
  assert.equal(check('a BETWEEN :lo AND :hi', { a: N('5') }, v), true);
  assert.equal(check('a BETWEEN :lo AND :hi', { a: N('6') }, v), false);
  assert.equal(check('a BETWEEN :lo AND :hi', { a: S('3') }, v), false);
  assert.equal(check('a IN (:s, :lo)', { a: N('1') }, v), true);
  assert.equal(check('a IN (b, :s)', { a: N('1'), b: N('1') }, v), true);
  assert.equal(check('a IN (b, c)', { a: N('1') }, v), false);
});

test('functions', () => {
  const item: Item = {
    s: S('héllo'), e: S('😀'), b: B('AQID'), n: N('12345'), l: L(N('1'), S('x'), L(S('y'))), m: M({ x: S('x') }),
    ss: { SS: ['x', 'y', 'z'] }, ns: { NS: ['1', '2'] }, bs: { BS: ['AQ==', 'Ag=='] }, nul: { NULL: true },
  };
  const v = (value: AttributeValue): Record<string, AttributeValue> => ({ ':v': value });
  assert.equal(check('attribute_exists(s) AND attribute_not_exists(zz)', item), true);
  assert.equal(check('attribute_exists(l[2][0]) AND attribute_not_exists(l[3])', item), true);
  assert.equal(check('attribute_exists(m[0])', item), false);
  assert.equal(check('attribute_exists(l.x)', item), false);
  assert.equal(check('attribute_type(ns, :v)', item, v(S('NS'))), true);
  assert.equal(check('attribute_type(nul, :v)', item, v(S('NULL'))), true);
  assert.equal(check('attribute_type(zz, :v)', item, v(S('NULL'))), false);
  assert.equal(check('begins_with(s, :v)', item, v(S('hé'))), true);
  assert.equal(check('begins_with(s, :v)', item, v(S(''))), true);
  assert.equal(check('begins_with(b, :v)', item, v(B('AQ=='))), true);
  assert.equal(check('begins_with(s, :v)', item, v(B('aA=='))), false);
  assert.equal(check('begins_with(ss, :v)', item, v(S('x'))), false);
  assert.equal(check('begins_with(:v, s)', item, v(S('héllo!'))), true);
  assert.equal(check('contains(s, :v)', item, v(S('ll'))), true);
  assert.equal(check('contains(s, :v)', item, v(N('1'))), false);
  assert.equal(check('contains(b, :v)', item, v(B('Ag=='))), true);
  assert.equal(check('contains(ss, :v)', item, v(S('y'))), true);
  assert.equal(check('contains(ss, :v)', item, v({ SS: ['x'] })), false);
  assert.equal(check('contains(ns, :v)', item, v(N('1.0'))), true);
  assert.equal(check('contains(bs, :v)', item, v(B('Ag=='))), true);
  assert.equal(check('contains(l, :v)', item, v(L(S('y')))), true);
  assert.equal(check('contains(l, :v)', item, v(N('1.0'))), true);
  assert.equal(check('contains(m, :v)', item, v(S('x'))), false);
  // size: string length in UTF-16 units (as DynamoDB), bytes of a binary, members otherwise.
  assert.equal(check('size(s) = :v', item, v(N('5'))), true);
  assert.equal(check('size(e) = :v', item, v(N('2'))), true);
  assert.equal(check('size(b) = :v', item, v(N('3'))), true);
  assert.equal(check('size(l) = :v AND size(m) = :w AND size(ss) = :x', item, { ':v': N('3'), ':w': N('1'), ':x': N('3') }), true);
  // size of a number, a boolean or a missing attribute is no value at all.
  assert.equal(check('size(n) = :v', item, v(N('5'))), false);
  assert.equal(check('size(n) <> :v', item, v(N('5'))), true);
  assert.equal(check('size(zz) < :v', item, v(N('5'))), false);
});

test('nested document paths', () => {
  const item: Item = { a: M({ b: L(N('1'), M({ c: S('d') })) }) };
  assert.equal(check('a.b[1].c = :v', item, { ':v': S('d') }), true);
  assert.equal(check('#a.#b[1].#c = :v', item, { ':v': S('d') }, { '#a': 'a', '#b': 'b', '#c': 'c' }), true);
  assert.equal(check('#ab = :v', { 'a.b': S('x'), a: M({ b: S('y') }) }, { ':v': S('x') }, { '#ab': 'a.b' }), true);
});

test('condition over an item that does not exist', () => {
  assert.equal(check('attribute_not_exists(pk)', undefined), true);
  assert.equal(check('attribute_exists(pk)', undefined), false);
});

test('projection: nested paths and list elements, packed as DynamoDB returns them', () => {
  const item: Item = {
    a: L(N('0'), M({ b: S('x'), c: S('y') }), N('2'), L(N('30'), N('31'))),
    m: M({ b: S('x'), c: M({ d: N('1'), e: N('2') }), l: L(S('p'), S('q')) }),
    n: N('5'),
  };
  assert.deepEqual(project('a[3], a[1]', item), { a: L(M({ b: S('x'), c: S('y') }), L(N('30'), N('31'))) });
  assert.deepEqual(project('a[1].b, a[2]', item), { a: L(M({ b: S('x') }), N('2')) });
  assert.deepEqual(project('a[3][1], a[0]', item), { a: L(N('0'), L(N('31'))) });
  assert.deepEqual(project('m.b, m.c.d', item), { m: M({ b: S('x'), c: M({ d: N('1') }) }) });
  assert.deepEqual(project('m.c.e, m.l[1]', item), { m: M({ c: M({ e: N('2') }), l: L(S('q')) }) });
  assert.deepEqual(project('a[9], n', item), { n: N('5') });
  assert.deepEqual(project('a[1].zz, a[2]', item), { a: L(N('2')) });
  for (const missing of ['zz', 'm.zz', 'm.b.x', 'n.x', 'n[0]', 'm[0]', 'a.b', 'm.l[5]']) assert.deepEqual(project(missing, item), {}, missing);
  const p = compileExpressions({ ProjectionExpression: '#x, a', ExpressionAttributeNames: { '#x': 'n' } }).projection!;
  assert.deepEqual(p.project(item), { n: N('5'), a: item.a });
  assert.deepEqual(p.topLevelNames(), ['n', 'a']);
});

test('SET: values computed from the item before the update; lists appended past their end', () => {
  assert.deepEqual(update('SET a = b, b = a', { a: N('1'), b: N('2') }), { a: N('2'), b: N('1') });
  assert.deepEqual(update('SET a = :n + :m', {}, { ':n': N('1.5'), ':m': N('-1.5') }), { a: N('0') });
  assert.deepEqual(update('SET a = b - :m', { b: N('10') }, { ':m': N('0.001') }), { a: N('9.999'), b: N('10') });
  assert.deepEqual(update('SET a = list_append(:l, b)', { b: L(N('1')) }, { ':l': L(N('0')) }), { a: L(N('0'), N('1')), b: L(N('1')) });
  assert.deepEqual(update('SET a.b = if_not_exists(a.b, :n)', { a: M({ b: N('1') }) }, { ':n': N('0') }), { a: M({ b: N('1') }) });
  assert.deepEqual(update('SET a = if_not_exists(a.b.c, :n)', { a: N('1') }, { ':n': N('0') }), { a: N('0') });
  assert.deepEqual(update('SET a[5] = :n', { a: L(S('x')) }, { ':n': N('1') }), { a: L(S('x'), N('1')) });
  assert.deepEqual(update('SET a[7] = :n, a[5] = :m', { a: L(S('x')) }, { ':n': N('7'), ':m': N('5') }), { a: L(S('x'), N('5'), N('7')) });
  assert.deepEqual(update('SET a[1] = :n REMOVE a[0]', { a: L(S('x'), S('y'), S('z')) }, { ':n': N('1') }), { a: L(N('1'), S('z')) });
  assert.deepEqual(update('SET a.b = :n', { a: M({}) }, { ':n': N('1') }), { a: M({ b: N('1') }) });
});

test('REMOVE: list elements by their original index; missing paths are ignored', () => {
  const abc: Item = { a: L(S('x'), S('y'), S('z')) };
  assert.deepEqual(update('REMOVE a[0], a[2]', abc), { a: L(S('y')) });
  assert.deepEqual(update('REMOVE a[2], a[0]', abc), { a: L(S('y')) });
  assert.deepEqual(update('REMOVE a[5]', abc), abc);
  assert.deepEqual(update('REMOVE a.b', { a: M({}) }), { a: M({}) });
  assert.deepEqual(update('REMOVE zz', { b: N('1') }), { b: N('1') });
});

test('ADD and DELETE: numbers and sets; emptying a set removes the attribute', () => {
  assert.deepEqual(update('ADD c :n', { c: N('1') }, { ':n': N('2') }), { c: N('3') });
  assert.deepEqual(update('ADD c :n', {}, { ':n': N('2') }), { c: N('2') });
  assert.deepEqual(update('ADD a :s', { a: { SS: ['1', '2'] } }, { ':s': { SS: ['2', '3'] } }), { a: { SS: ['1', '2', '3'] } });
  assert.deepEqual(update('ADD a :s', { a: { NS: ['1', '2'] } }, { ':s': { NS: ['2.0', '3'] } }), { a: { NS: ['1', '2', '3'] } });
  assert.deepEqual(update('ADD a.b :n', { a: M({}) }, { ':n': N('2') }), { a: M({ b: N('2') }) });
  assert.deepEqual(update('ADD a[0] :n, a[3] :n', { a: L(N('5')) }, { ':n': N('2') }), { a: L(N('7'), N('2')) });
  assert.deepEqual(update('DELETE a :s', { a: { SS: ['x', 'y'] } }, { ':s': { SS: ['x'] } }), { a: { SS: ['y'] } });
  assert.deepEqual(update('DELETE a :s', { a: { SS: ['x', 'y'] }, b: N('1') }, { ':s': { SS: ['y', 'x'] } }), { b: N('1') });
  assert.deepEqual(update('DELETE a :s', { a: { NS: ['1', '2'] } }, { ':s': { NS: ['1.00'] } }), { a: { NS: ['2'] } });
  assert.deepEqual(update('DELETE a :s', {}, { ':s': { SS: ['z'] } }), {});
  assert.deepEqual(update('DELETE a.b :s', { a: M({}) }, { ':s': { NS: ['1'] } }), { a: M({}) });
});

test('run-time errors', () => {
  const MISSING = 'The provided expression refers to an attribute that does not exist in the item';
  const INVALID = 'The document path provided in the update expression is invalid for update';
  const TYPE = 'An operand in the update expression has an incorrect data type';
  assert.equal(updateError('SET a = b', {}), MISSING);
  assert.equal(updateError('SET a = b[0]', { b: { SS: ['x'] } }), MISSING);
  assert.equal(updateError('SET a = if_not_exists(b, c)', { b: N('1') }), MISSING);
  assert.equal(updateError('SET a.b = :n', { a: N('1') }, { ':n': N('1') }), INVALID);
  assert.equal(updateError('SET a[0] = :n', { a: M({}) }, { ':n': N('1') }), INVALID);
  assert.equal(updateError('SET a.b.c = :n', { a: M({}) }, { ':n': N('1') }), INVALID);
  assert.equal(updateError('REMOVE a.b', { a: L(S('x')) }), INVALID);
  assert.equal(updateError('REMOVE a.b.c', { a: M({}) }), INVALID);
  assert.equal(updateError('ADD a.b :n', {}, { ':n': N('2') }), INVALID);
  assert.equal(updateError('DELETE a.b :s', {}, { ':s': { NS: ['1'] } }), INVALID);
  assert.equal(updateError('SET a = b + c', { b: N('1'), c: S('y') }), TYPE);
  assert.equal(updateError('SET a = if_not_exists(b, :l) + :n', {}, { ':l': L(), ':n': N('1') }), TYPE);
  assert.equal(updateError('SET a = list_append(b, c)', { b: L(S('x')), c: S('y') }), TYPE);
  assert.equal(updateError('ADD a :n', { a: S('x') }, { ':n': N('2') }), TYPE);
  assert.equal(updateError('ADD a :s', { a: { NS: ['1'] } }, { ':s': { SS: ['2'] } }), TYPE);
  assert.equal(updateError('DELETE a :s', { a: { NS: ['1'] } }, { ':s': { SS: ['1'] } }), TYPE);
  assert.equal(updateError('DELETE a :s', { a: L(N('1')) }, { ':s': { NS: ['1'] } }), TYPE);
  // Path problems come first.
  assert.equal(updateError('SET x.y = :n, b = x', {}, { ':n': N('1') }), INVALID);
  assert.equal(updateError('REMOVE y.z SET b = x', {}), INVALID);
});

test('apply never mutates its input and reports the attributes it touches', () => {
  const item: Item = { a: M({ b: L(N('1'), N('2')) }), s: { SS: ['x'] }, n: N('1') };
  const before = JSON.stringify(item);
  const compiled = compileExpressions({
    UpdateExpression: 'SET a.b[0] = :n, a.c = :n REMOVE a.b[1] ADD n :n DELETE s :s',
    ExpressionAttributeValues: { ':n': N('5'), ':s': { SS: ['x'] } },
  }).update!;
  const after = compiled.apply(item);
  assert.equal(JSON.stringify(item), before);
  assert.deepEqual(after, { a: M({ b: L(N('5')), c: N('5') }), n: N('6') });
  assert.deepEqual(compiled.topLevelNames(), ['a', 'n', 's']);
  // Applying twice from the same input gives the same result.
  assert.deepEqual(compiled.apply(item), after);
});

test('condition/filter topLevelNames', () => {
  const c = compileExpressions({
    FilterExpression: 'a.b = :v AND (size(c[0]) > :v OR attribute_exists(#d)) AND contains(e, f)',
    ExpressionAttributeValues: { ':v': N('1') },
    ExpressionAttributeNames: { '#d': 'd' },
  });
  assert.deepEqual(c.filter!.topLevelNames(), ['a', 'c', 'd', 'e', 'f']);
});
