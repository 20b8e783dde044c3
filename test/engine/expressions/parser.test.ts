import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCondition,
  parseProjection,
  parseUpdate,
  type ConditionNode,
  type OperandNode,
  type SetValueNode,
} from '../../../src/engine/expressions/parser.js';
import { throws } from '../helpers';

/** A compact rendering of a syntax tree, for readable expectations. */
function show(node: ConditionNode | SetValueNode): string {
  const p = (s: string, n: { parens: number }): string => '('.repeat(n.parens) + s + ')'.repeat(n.parens);
  const operand = (o: OperandNode | SetValueNode): string => {
    switch (o.kind) {
      case 'path':
        return p(o.elements.map((e, i) => (e.kind === 'index' ? `[${e.token.text}]` : (i ? '.' : '') + e.token.text)).join(''), o);
      case 'value':
        return p(o.token.text, o);
      case 'function':
        return p(`${o.name.text}(${o.args.map(operand).join(', ')})`, o);
      case 'arithmetic':
        return p(`${operand(o.left)} ${o.op} ${operand(o.right)}`, o);
    }
  };
  if (!('kind' in node) || ['path', 'value', 'function', 'arithmetic'].includes(node.kind)) return operand(node as OperandNode);
  const c = node as ConditionNode;
  switch (c.kind) {
    case 'and':
    case 'or':
      return p(`{${show(c.left)} ${c.kind.toUpperCase()} ${show(c.right)}}`, c);
    case 'not':
      return p(`NOT ${show(c.operand)}`, c);
    case 'compare':
      return p(`${operand(c.left)} ${c.op} ${operand(c.right)}`, c);
    case 'between':
      return p(`${operand(c.subject)} BETWEEN ${operand(c.low)} AND ${operand(c.high)}`, c);
    case 'in':
      return p(`${operand(c.subject)} IN [${c.list.map(operand).join(', ')}]`, c);
    case 'call':
      return p(operand(c.fn), c);
  }
}

const syntaxError = (f: () => unknown): string => throws(f, 'ValidationException').message;

test('precedence: NOT over AND over OR, left-associative', () => {
  assert.equal(show(parseCondition('a = b OR c = d AND e = f')), '{a = b OR {c = d AND e = f}}');
  assert.equal(show(parseCondition('a = b AND c = d OR e = f')), '{{a = b AND c = d} OR e = f}');
  assert.equal(show(parseCondition('a = b AND c = d AND e = f')), '{{a = b AND c = d} AND e = f}');
  assert.equal(show(parseCondition('NOT a = b AND c = d')), '{NOT a = b AND c = d}');
  assert.equal(show(parseCondition('NOT NOT a = b')), 'NOT NOT a = b');
  assert.equal(show(parseCondition('a = b or c = d and not e = f')), '{a = b OR {c = d AND NOT e = f}}');
});

test('BETWEEN takes the next AND; IN takes a list', () => {
  assert.equal(show(parseCondition('a BETWEEN b AND c AND d = e')), '{a BETWEEN b AND c AND d = e}');
  assert.equal(show(parseCondition('a IN (b, :c, d.e)')), 'a IN [b, :c, d.e]');
});

test('parentheses group conditions and operands; the count is kept', () => {
  assert.equal(show(parseCondition('(a = b OR c = d) AND e = f')), '{({a = b OR c = d}) AND e = f}');
  assert.equal(show(parseCondition('(a) = (b)')), '(a) = (b)');
  assert.equal(show(parseCondition('((a = b))')), '((a = b))');
  assert.equal(show(parseCondition('a IN ((b), c)')), 'a IN [(b), c]');
});

test('functions as conditions and as operands; paths with names, placeholders and indexes', () => {
  assert.equal(show(parseCondition('attribute_exists(a.#b[2].c)')), 'attribute_exists(a.#b[2].c)');
  assert.equal(show(parseCondition('size(a[0][1]) > :v')), 'size(a[0][1]) > :v');
  assert.equal(show(parseCondition('begins_with (a, :p)')), 'begins_with(a, :p)');
  assert.equal(show(parseCondition('a . b [ 1 ] = c')), 'a.b[1] = c');
});

test('update expressions: clauses in any order, arithmetic and functions', () => {
  const tree = parseUpdate('set a = b + :c, d = if_not_exists(e, :f) remove g, h[1] ADD i :j DELETE k :l');
  assert.deepEqual(tree.clauses.map((c) => [c.kind, c.actions.length]), [['SET', 2], ['REMOVE', 2], ['ADD', 1], ['DELETE', 1]]);
  const set = tree.clauses[0]!.actions[0]!;
  assert.equal(set.kind === 'SET' && show(set.value), 'b + :c');
  assert.equal(show((parseUpdate('SET a = (b - :c)').clauses[0]!.actions[0] as { value: SetValueNode }).value), '(b - :c)');
  // Sections may repeat syntactically; validation rejects that.
  assert.equal(parseUpdate('SET a = :v SET b = :v').clauses.length, 2);
});

test('projection expressions: a list of paths', () => {
  assert.deepEqual(parseProjection('a, b.c, #d[0]').paths.map((p) => p.elements.length), [1, 2, 2]);
});

test("syntax errors: DynamoDB's token and near text", () => {
  const cases: [string, string][] = [
    ['a =', 'Syntax error; token: "<EOF>", near: "="'],
    ['a = b c', 'Syntax error; token: "c", near: "b c"'],
    ['a == b', 'Syntax error; token: "=", near: "== b"'],
    ['a = b )', 'Syntax error; token: ")", near: "b )"'],
    ['( a = b', 'Syntax error; token: "<EOF>", near: "b"'],
    ['a', 'Syntax error; token: "<EOF>", near: "a"'],
    ['(a)', 'Syntax error; token: "<EOF>", near: ")"'],
    ['a = 5', 'Syntax error; token: "5", near: "= 5"'],
    ['a[-1] = b', 'Syntax error; token: "-", near: "[-1"'],
    ['a[] = b', 'Syntax error; token: "]", near: "[] ="'],
    ['a[01] = c', 'Syntax error; token: "1", near: "01]"'],
    ['a IN ()', 'Syntax error; token: ")", near: "()"'],
    ['a IN b', 'Syntax error; token: "b", near: "IN b"'],
    ['a BETWEEN b OR c', 'Syntax error; token: "OR", near: "b OR c"'],
    ['attribute_exists(a) AND b', 'Syntax error; token: "<EOF>", near: "b"'],
    ['a + b = c', 'Syntax error; token: "+", near: "a + b"'],
    ["a = 'abc'", 'Syntax error; token: "\'", near: "= \'abc"'],
    ['a!=b', 'Syntax error; token: "!", near: "a!="'],
    ['_a = c', 'Syntax error; token: "_", near: "_a"'],
    ['  ', 'Syntax error; token: "<EOF>", near: "  "'],
  ];
  for (const [text, detail] of cases) {
    assert.equal(syntaxError(() => parseCondition(text)), `Invalid ConditionExpression: ${detail}`, text);
  }
  assert.equal(syntaxError(() => parseCondition('a =', 'FilterExpression')), 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="');
  const updates: [string, string][] = [
    ['SET a', 'Syntax error; token: "<EOF>", near: "a"'],
    ['SET = :v', 'Syntax error; token: "=", near: "SET = :v"'],
    ['SET a = :v,', 'Syntax error; token: "<EOF>", near: ","'],
    ['SET a = :v, REMOVE b', 'Syntax error; token: "REMOVE", near: ", REMOVE b"'],
    ['a = :v', 'Syntax error; token: "a", near: "a ="'],
    ['ADD a b', 'Syntax error; token: "b", near: "a b"'],
    ['SET a = b + c + d', 'Syntax error; token: "+", near: "c + d"'],
    ['SET a = b + (c - d)', 'Syntax error; token: "-", near: "c - d"'],
    ['SET (a) = :v', 'Syntax error; token: "(", near: "SET (a"'],
    ['SET a = if_not_exists(b, :v + :v)', 'Syntax error; token: "+", near: ":v + :v"'],
  ];
  for (const [text, detail] of updates) assert.equal(syntaxError(() => parseUpdate(text)), `Invalid UpdateExpression: ${detail}`, text);
  const projections: [string, string][] = [
    ['a,', 'Syntax error; token: "<EOF>", near: ","'],
    [':v', 'Syntax error; token: ":v", near: ":v"'],
    ['size(a)', 'Syntax error; token: "(", near: "size(a"'],
    ['add', 'Syntax error; token: "add", near: "add"'],
  ];
  for (const [text, detail] of projections) {
    assert.equal(syntaxError(() => parseProjection(text)), `Invalid ProjectionExpression: ${detail}`, text);
  }
});

test('redundant parentheses completed before a syntax error are reported instead', () => {
  assert.equal(syntaxError(() => parseCondition('attribute_exists(((x.x)))<>')), 'Invalid ConditionExpression: The expression has redundant parentheses;');
  assert.equal(syntaxError(() => parseCondition(':s BETWEEN ((x.y))')), 'Invalid ConditionExpression: The expression has redundant parentheses;');
  // But not when the syntax error comes first.
  assert.equal(syntaxError(() => parseCondition('a = = ((b))')), 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = ("');
});

test('deep nesting parses without exhausting the stack', () => {
  assert.equal(parseCondition(`${'(a = b AND '.repeat(300)}a = b${')'.repeat(300)}`).kind, 'and');
  assert.match(syntaxError(() => parseCondition('('.repeat(4000))), /token: "<EOF>", near: "\("$/);
});
