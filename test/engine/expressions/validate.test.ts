// Validation messages, all as DynamoDB returns them (each was checked against DynamoDB Local
// 3.3.0; see oracle.test.ts for the recorded cases).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpressions, type ExpressionInput, type KeySchemaElement } from '../../../src/engine/expressions/index.js';
import { javaHashSetOrder } from '../../../src/engine/expressions/validate.js';
import type { AttributeValue } from '../../../src/engine/types/attribute-value.js';
import { throws } from '../helpers';

function rejects(input: ExpressionInput, message: string, options?: Parameters<typeof compileExpressions>[1]): void {
  throws(() => compileExpressions(input, options), 'ValidationException', message, JSON.stringify(input));
}

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: string): AttributeValue => ({ N: n });
const cond = (ConditionExpression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>): ExpressionInput => ({
  ConditionExpression,
  ExpressionAttributeValues: values,
  ExpressionAttributeNames: names,
});
const CE = 'Invalid ConditionExpression: ';
const UE = 'Invalid UpdateExpression: ';

test('empty and oversized expressions', () => {
  rejects(cond(''), `${CE}The expression can not be empty;`);
  rejects({ UpdateExpression: '' }, `${UE}The expression can not be empty;`);
  rejects({ ProjectionExpression: '' }, 'Invalid ProjectionExpression: The expression can not be empty;');
  rejects({ KeyConditionExpression: '' }, 'Invalid KeyConditionExpression: The expression can not be empty;');
  rejects({ FilterExpression: '' }, 'Invalid FilterExpression: The expression can not be empty;');
  assert.ok(compileExpressions(cond('a = b' + ' '.repeat(4091))).condition);
  rejects(cond('a = b' + ' '.repeat(4092)), `${CE}Expression size has exceeded the maximum allowed size; expression size: 4097`);
  rejects({ FilterExpression: 'a = = b' + ' '.repeat(4090) }, 'Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4097');
  rejects({ UpdateExpression: 'SET a = b' + ' '.repeat(4088) }, `${UE}Expression size has exceeded the maximum allowed size;`);
  rejects({ ProjectionExpression: 'a' + ' '.repeat(4096) }, 'Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size;');
});

test('ExpressionAttributeNames: shape of keys and values', () => {
  rejects(cond('a = b', undefined, {}), 'ExpressionAttributeNames must not be empty');
  rejects(cond('a = b', undefined, { n: 'x' }), 'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"');
  rejects(cond('a = b', undefined, { '#a-b': 'x' }), 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"');
  rejects(cond('a = b', undefined, { '#': 'x' }), 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"');
  rejects(cond('a = b', undefined, { '##': 'x' }), 'ExpressionAttributeNames contains invalid key: Syntax error; key: "##"');
  rejects(cond('#n = b', undefined, { '#n': '' }), 'ExpressionAttributeNames contains invalid value: Empty attribute name for key #n');
  rejects(
    cond('#n = b', undefined, { '#n': 'x'.repeat(70000) }),
    'ExpressionAttributeNames contains invalid value: Attribute name is too large, must be less than 65536 bytes for key #n',
  );
  const long = '#' + 'n'.repeat(255);
  rejects(cond(`${long} = b`, undefined, { [long]: 'x' }), 'ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256');
  assert.ok(compileExpressions(cond(`${long.slice(0, 255)} = b`, undefined, { [long.slice(0, 255)]: 'x' })).condition);
  // A key with blanks around it is accepted, but keeps them, so it can never be used.
  rejects(cond('a = :v', { ':v': S('x') }, { '#a ': 'x' }), 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#a }');
});

test('ExpressionAttributeValues: shape of keys and values (attribute validation messages with the key)', () => {
  rejects(cond('a = b', {}), 'ExpressionAttributeValues must not be empty');
  rejects(cond('a = b', { v: S('x') }), 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"');
  rejects(cond('a = b', { ':a-b': S('x') }), 'ExpressionAttributeValues contains invalid key: Syntax error; key: ":a-b"');
  rejects(cond('a = b', { [':' + 'v'.repeat(255)]: S('x') }), 'ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;');
  rejects(
    cond('a = :v', { ':v': { SS: [] } }),
    'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
  );
  rejects(
    cond('a = :v', { ':v': {} as AttributeValue }),
    'ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :v',
  );
  // The maps are checked before any expression.
  rejects(cond('a = = b', { ':v': { NULL: false } as unknown as AttributeValue }), 'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Null attribute value types must have the value of true for key :v');
});

test('undefined and unused names and values', () => {
  rejects(cond('a = :v'), `${CE}An expression attribute value used in expression is not defined; attribute value: :v`);
  rejects(cond('a = #n'), `${CE}An expression attribute name used in the document path is not defined; attribute name: #n`);
  rejects(cond('#a = :v', { ':v': S('x') }, { '#a': 'x', '#b': 'y', '#c': 'z' }), 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#c, #b}');
  rejects(cond('a = :v', { ':v': S('x'), ':w': S('y'), ':z': S('y') }), 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:z, :w}');
  // Names are reported before values.
  rejects(cond('a = b', { ':v': S('x') }, { '#a': 'x' }), 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}');
  // Use by any expression of the request counts.
  assert.ok(
    compileExpressions({ UpdateExpression: 'SET a = :v', ConditionExpression: '#b = :v', ExpressionAttributeNames: { '#b': 'b' }, ExpressionAttributeValues: { ':v': S('x') } }).update,
  );
});

test('unused keys are listed in java.util.HashSet order', () => {
  assert.deepEqual(javaHashSetOrder([':w', ':z']), [':z', ':w']);
  const twelve = ['#b1', '#b2', '#b3', '#b4', '#b5', '#b6', '#b7', '#b8', '#b9', '#b10', '#b11', '#b12'];
  assert.deepEqual(javaHashSetOrder(twelve), ['#b11', '#b10', '#b12', '#b1', '#b2', '#b3', '#b4', '#b5', '#b6', '#b7', '#b8', '#b9']);
  assert.deepEqual(
    javaHashSetOrder(['#b', '#c', '#q', '#zz', '#aa', '#ab', '#ac', '#ad', '#ae', '#af', '#ag', '#ah', '#ai']),
    ['#c', '#zz', '#aa', '#ab', '#ac', '#ad', '#ae', '#af', '#ag', '#ah', '#ai', '#q', '#b'],
  );
});

test('reserved words, list indexes, functions', () => {
  rejects(cond('status = :v', { ':v': S('x') }), `${CE}Attribute name is a reserved keyword; reserved keyword: status`);
  rejects(cond('a.Status = :v', { ':v': S('x') }), `${CE}Attribute name is a reserved keyword; reserved keyword: Status`);
  assert.ok(compileExpressions(cond('#s = :v', { ':v': S('x') }, { '#s': 'status' })).condition);
  rejects(cond('a[2147483648] = b'), `${CE}List index is not within the allowable range; index: [2147483648]`);
  assert.ok(compileExpressions(cond('a[2147483647] = b')).condition);
  rejects(cond('foo(a)'), `${CE}Invalid function name; function: foo`);
  rejects(cond('Size(a) = b'), `${CE}Invalid function name; function: Size`);
  rejects(cond('size(a)'), `${CE}The function is not allowed to be used this way in an expression; function: size`);
  rejects(cond('attribute_exists(a) = b'), `${CE}The function is not allowed to be used this way in an expression; function: attribute_exists`);
  rejects(cond('if_not_exists(a, b) = c'), `${CE}The function is not allowed in a condition expression; function: if_not_exists`);
  rejects({ UpdateExpression: 'SET a = size(b)' }, `${UE}The function is not allowed in an update expression; function: size`);
  rejects({ UpdateExpression: 'SET a = list_append(b, :l) + :n', ExpressionAttributeValues: { ':l': { L: [] }, ':n': N('1') } }, `${UE}The function is not allowed to be used this way in an expression; function: list_append`);
  rejects(cond('((a = b))'), `${CE}The expression has redundant parentheses;`);
  rejects(cond('a = ((b))'), `${CE}The expression has redundant parentheses;`);
  assert.ok(compileExpressions(cond('((a = b) AND (c = d))')).condition);
});

test('operands: counts, document paths, types, distinct operands', () => {
  rejects(cond('attribute_exists(a, b)'), `${CE}Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2`);
  rejects(cond('begins_with(a)'), `${CE}Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1`);
  rejects(cond('attribute_exists(:v)', { ':v': S('x') }), `${CE}Operator or function requires a document path; operator or function: attribute_exists`);
  rejects(cond('attribute_not_exists(size(a))'), `${CE}Operator or function requires a document path; operator or function: attribute_not_exists`);
  rejects(cond('a < :v', { ':v': { BOOL: true } }), `${CE}Incorrect operand type for operator or function; operator or function: <, operand type: BOOL`);
  rejects(cond('a BETWEEN :v AND :v', { ':v': { L: [] } }), `${CE}Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: L`);
  rejects(cond('begins_with(a, :v)', { ':v': N('1') }), `${CE}Incorrect operand type for operator or function; operator or function: begins_with, operand type: N`);
  rejects(cond('size(size(a)) = b'), `${CE}Incorrect operand type for operator or function; operator or function: size, operand type: N`);
  rejects(cond('size(:v) = b', { ':v': { NULL: true } }), `${CE}Incorrect operand type for operator or function; operator or function: size, operand type: NULL`);
  rejects(cond('attribute_type(a, :t)', { ':t': S('n') }), `${CE}Invalid attribute type name found; type: n, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}`);
  rejects(cond('attribute_type(a, :t)', { ':t': N('1') }), `${CE}Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N`);
  rejects(
    cond('attribute_type(a, b)'),
    `${CE}Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {DOUBLESET,FLOAT,B,BOOL,L,FS,INT,DECIMAL,HDS,HD,BS,SS,NS,NULL,DOUBLE,N,S,DICT,M,DECIMALSET,INTSET}`,
  );
  rejects(cond('a < a'), `${CE}The first operand must be distinct from the remaining operands for this operator or function; operator: <, first operand: [a]`);
  rejects(cond('#n = #n', undefined, { '#n': 'x' }), `${CE}The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [x]`);
  rejects(cond('a[0].b IN (c, a[0].b)'), `${CE}The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a, [0], b]`);
  rejects(cond('contains(a, a)'), `${CE}The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]`);
  // Values and size() are not compared.
  assert.ok(compileExpressions(cond(':v = :v AND size(a) = size(a)', { ':v': S('x') })).condition);
});

test('BETWEEN bounds given as values', () => {
  rejects(
    cond('a BETWEEN :lo AND :hi', { ':lo': N('10'), ':hi': N('9') }),
    `${CE}The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:9}`,
  );
  rejects(
    cond('a BETWEEN :lo AND :hi', { ':lo': N('-1E+2'), ':hi': N('-100.5') }),
    `${CE}The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:-1E+2}, upper bound operand: AttributeValue: {N:-100.5}`,
  );
  rejects(
    cond('a BETWEEN :lo AND :hi', { ':lo': S('a'), ':hi': N('1') }),
    `${CE}The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:a}, upper bound operand: AttributeValue: {N:1}`,
  );
  rejects(
    cond('a BETWEEN :lo AND :hi', { ':lo': { B: 'Ag==' }, ':hi': { B: 'AQ==' } }),
    `${CE}The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {B:java.nio.HeapByteBuffer[pos=0 lim=1 cap=1]}, upper bound operand: AttributeValue: {B:java.nio.HeapByteBuffer[pos=0 lim=1 cap=1]}`,
  );
  // Strings compare by UTF-8 bytes: U+FFFF sorts before U+1F600.
  assert.ok(compileExpressions(cond('a BETWEEN :lo AND :hi', { ':lo': S('\uffff'), ':hi': S('😀') })).condition);
  assert.ok(compileExpressions(cond('a BETWEEN :lo AND :hi', { ':lo': N('10'), ':hi': N('10.0') })).condition);
});

test('limits: IN operands, path depth, operator count', () => {
  const list = (n: number): string => Array.from({ length: n }, () => ':v').join(',');
  assert.ok(compileExpressions(cond(`a IN (${list(100)})`, { ':v': S('x') })).condition);
  rejects(cond(`a IN (${list(101)})`, { ':v': S('x') }), `${CE}The IN operator is provided with too many operands; number of operands: 101`);
  assert.ok(compileExpressions(cond(`a${'.b'.repeat(31)} = c`)).condition);
  rejects(cond(`a${'.b'.repeat(32)} = c`), `${CE}The document path has too many nesting levels; nesting levels: 33`);
  rejects(cond(`a${'[0]'.repeat(32)} = c`), `${CE}The document path has too many nesting levels; nesting levels: 33`);
  const comparisons = (n: number): string => Array.from({ length: n }, (_, i) => `a${i}=b`).join(' AND ');
  assert.ok(compileExpressions(cond(comparisons(150))).condition);
  rejects(cond(comparisons(151)), `${CE}The expression contains too many operators; operator count: 301`);
  const sums = (n: number): string => 'SET ' + Array.from({ length: n }, (_, i) => `b${i}=:v+:v`).join(',');
  assert.ok(compileExpressions({ UpdateExpression: sums(300), ExpressionAttributeValues: { ':v': N('1') } }).update);
  rejects({ UpdateExpression: sums(301), ExpressionAttributeValues: { ':v': N('1') } }, `${UE}The expression contains too many operators; operator count: 301`);
});

test("DynamoDB's order of checks", () => {
  // Syntax, then redundant parentheses, then (in source order) reserved words / functions /
  // indexes, then (post-order) names, values and operand checks, then the operator count.
  rejects(cond('status = c AND ((a = b))'), `${CE}The expression has redundant parentheses;`);
  rejects(cond(':u = status'), `${CE}Attribute name is a reserved keyword; reserved keyword: status`);
  rejects(cond('a < a AND foo(a)'), `${CE}Invalid function name; function: foo`);
  rejects(cond('attribute_exists(a) = b AND status = d'), `${CE}The function is not allowed to be used this way in an expression; function: attribute_exists`);
  rejects(cond('x < x AND c = :u'), `${CE}The first operand must be distinct from the remaining operands for this operator or function; operator: <, first operand: [x]`);
  rejects(cond('attribute_exists(a, :u)'), `${CE}An expression attribute value used in expression is not defined; attribute value: :u`);
  rejects(cond('size(size(x)) = b AND ' + Array.from({ length: 151 }, (_, i) => `a${i}=b`).join(' AND ')), `${CE}Incorrect operand type for operator or function; operator or function: size, operand type: N`);
  // Each expression is validated completely, the update expression before the condition.
  rejects({ UpdateExpression: 'SET status = :a', ConditionExpression: 'a = :zz', ExpressionAttributeValues: { ':a': S('x') } }, `${UE}Attribute name is a reserved keyword; reserved keyword: status`);
  rejects({ FilterExpression: 'a = ', ProjectionExpression: 'status' }, 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "= "');
});

test('update expressions: sections, overlapping and conflicting paths, operand types', () => {
  rejects({ UpdateExpression: 'SET a = :v SET b = :v', ExpressionAttributeValues: { ':v': S('x') } }, `${UE}The "SET" section can only be used once in an update expression;`);
  rejects({ UpdateExpression: 'REMOVE a REMOVE b' }, `${UE}The "REMOVE" section can only be used once in an update expression;`);
  const v = { ':v': S('x') };
  const overlap = (one: string, two: string): string => `${UE}Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`;
  rejects({ UpdateExpression: 'SET a = :v, a.b = :v', ExpressionAttributeValues: v }, overlap('[a]', '[a, b]'));
  rejects({ UpdateExpression: 'SET a.b = :v REMOVE a', ExpressionAttributeValues: v }, overlap('[a, b]', '[a]'));
  rejects({ UpdateExpression: 'SET a[1] = :v, a[1].b = :v', ExpressionAttributeValues: v }, overlap('[a, [1]]', '[a, [1], b]'));
  rejects({ UpdateExpression: 'SET #n = :v REMOVE #n', ExpressionAttributeValues: v, ExpressionAttributeNames: { '#n': 'nn' } }, overlap('[nn]', '[nn]'));
  rejects({ UpdateExpression: 'SET a = :v, #a = :v', ExpressionAttributeValues: v, ExpressionAttributeNames: { '#a': 'a' } }, overlap('[a]', '[a]'));
  rejects({ UpdateExpression: 'SET a = :v, b = :v, a = :v', ExpressionAttributeValues: v }, overlap('[a]', '[b]'));
  rejects(
    { UpdateExpression: 'SET a.b = :v, a[0] = :v', ExpressionAttributeValues: v },
    `${UE}Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]`,
  );
  assert.ok(compileExpressions({ UpdateExpression: 'SET a.b = :v, a.c = :v', ExpressionAttributeValues: v }).update);
  // Overlap comes before undefined values and operand types.
  rejects({ UpdateExpression: 'SET a = :u, a = :v', ExpressionAttributeValues: v }, overlap('[a]', '[a]'));
  const t = (message: string): string => `${UE}Incorrect operand type for operator or function; ${message}`;
  rejects({ UpdateExpression: 'SET a = :v + :n', ExpressionAttributeValues: { ':v': S('x'), ':n': N('1') } }, t('operator or function: +, operand type: S'));
  rejects({ UpdateExpression: 'SET a = :l - :n', ExpressionAttributeValues: { ':l': { L: [] }, ':n': N('1') } }, t('operator or function: -, operand type: L'));
  rejects({ UpdateExpression: 'SET a = list_append(:v, b)', ExpressionAttributeValues: v }, t('operator or function: list_append, operand type: S'));
  rejects({ UpdateExpression: 'ADD a :v', ExpressionAttributeValues: v }, t('operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND'));
  rejects({ UpdateExpression: 'ADD a :v', ExpressionAttributeValues: { ':v': { L: [] } } }, t('operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND'));
  rejects({ UpdateExpression: 'DELETE a :v', ExpressionAttributeValues: { ':v': N('1') } }, t('operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND'));
  rejects({ UpdateExpression: 'DELETE a :v', ExpressionAttributeValues: { ':v': { BOOL: true } } }, t('operator: DELETE, operand type: BOOLEAN, typeSet: ALLOWED_FOR_DELETE_OPERAND'));
  rejects({ UpdateExpression: 'SET a = if_not_exists(:v, b)', ExpressionAttributeValues: v }, `${UE}Operator or function requires a document path; operator or function: if_not_exists`);
  rejects({ UpdateExpression: 'SET a = if_not_exists(b)' }, `${UE}Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1`);
  rejects({ UpdateExpression: 'SET a = if_not_exists(b, b)' }, `${UE}The first operand must be distinct from the remaining operands for this operator or function; operator: if_not_exists, first operand: [b]`);
  // Values are checked from the last action to the first.
  rejects({ UpdateExpression: 'ADD a :v, b :l', ExpressionAttributeValues: { ':v': S('x'), ':l': { L: [] } } }, t('operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND'));
});

test('projection expressions: overlapping paths, reserved words', () => {
  const overlap = (one: string, two: string): string =>
    `Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`;
  rejects({ ProjectionExpression: 'a, a.b' }, overlap('[a]', '[a, b]'));
  rejects({ ProjectionExpression: 'a[0], a[0]' }, overlap('[a, [0]]', '[a, [0]]'));
  rejects({ ProjectionExpression: 'x.a, x.b, x' }, overlap('[x, b]', '[x]'));
  rejects({ ProjectionExpression: 'a.status' }, 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status');
  assert.deepEqual(compileExpressions({ ProjectionExpression: 'b, a.x, a.y, c[1]' }).projection!.topLevelNames(), ['b', 'a', 'c']);
});

test('key conditions: structure and key schema (checked after unused names and values)', () => {
  const qqq: { partition: KeySchemaElement; sort: KeySchemaElement } = { partition: { name: 'pk', type: 'S' }, sort: { name: 'sk', type: 'S' } };
  const v = { ':v': S('a'), ':w': S('b') };
  const key = (KeyConditionExpression: string, values: Record<string, AttributeValue> = v) =>
    compileExpressions({ KeyConditionExpression, ExpressionAttributeValues: values }, { keySchema: qqq }).keyCondition!;
  const usedOf = (text: string): Record<string, AttributeValue> | undefined => {
    const used = Object.entries(v).filter(([k]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(text));
    return used.length ? Object.fromEntries(used) : undefined;
  };
  const bad = (KeyConditionExpression: string, message: string, values: Record<string, AttributeValue> | undefined = usedOf(KeyConditionExpression)): void =>
    rejects({ KeyConditionExpression, ExpressionAttributeValues: values }, message, { keySchema: qqq });

  assert.deepEqual({ ...key('pk = :v AND sk BETWEEN :v AND :w') }.sort, { name: 'sk', op: 'BETWEEN', values: [S('a'), S('b')] });
  assert.deepEqual(key('pk = :v AND sk BETWEEN :v AND :w').partition, { name: 'pk', value: S('a') });
  assert.deepEqual(key(':v > sk AND :w = pk', v).sort, { name: 'sk', op: '<', values: [S('a')] });
  assert.deepEqual(key('pk = :v AND begins_with(sk, :w)').sort, { name: 'sk', op: 'BEGINS_WITH', values: [S('b')] });
  assert.equal(key('(pk = :v) AND (sk >= :w)').sort!.op, '>=');
  assert.equal(key('pk = :v', { ':v': S('a') }).sort, undefined);

  bad('pk = :v OR sk = :v', 'Invalid operator used in KeyConditionExpression: OR');
  bad('NOT pk = :v', 'Invalid operator used in KeyConditionExpression: NOT');
  bad('pk <> :v', 'Invalid operator used in KeyConditionExpression: <>');
  bad('pk IN (:v)', 'Invalid operator used in KeyConditionExpression: IN');
  bad('pk = :v AND contains(sk, :v)', 'Invalid operator used in KeyConditionExpression: contains');
  bad('pk = :v AND attribute_exists(sk)', 'Invalid operator used in KeyConditionExpression: attribute_exists');
  bad('pk = :v AND size(sk) = :v', 'KeyConditionExpressions cannot contain nested operations');
  bad('pk = :v AND sk = :v AND sk = :v', 'KeyConditionExpressions must only contain one condition per key');
  bad('pk = :v AND sk = :v AND x = :v', 'Conditions can be of length 1 or 2 only');
  bad('pk = sk', 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
  bad(':v = :v', 'Invalid condition in KeyConditionExpression: No key attribute specified');
  bad('pk = :v AND begins_with(:v, sk)', 'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand');
  bad(':v BETWEEN sk AND :v', 'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand');
  bad('pk.x = :v', "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk");
  bad(':v <> pk.x', "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk");
  bad('c[0] = :v', 'KeyConditionExpressions cannot have conditions on nested attributes');
  bad('x = :v', 'Query condition missed key schema element: pk');
  bad('pk = :v AND x = :v', 'Query condition missed key schema element: sk');
  bad('pk < :v AND sk = :w', 'Query key condition not supported');
  bad('begins_with(pk, :v) AND sk = :w', 'Query key condition not supported');
  bad('pk = :n', 'One or more parameter values were invalid: Condition parameter type does not match schema type', { ':n': N('1') });
  bad('pk = :v AND sk < :n', 'One or more parameter values were invalid: Condition parameter type does not match schema type', { ':v': S('a'), ':n': N('1') });
  // Generic checks first, with the expression's name.
  bad('pk = pk', 'Invalid KeyConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [pk]');
  bad('status = :v', 'Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status');
  // Unused names win over every key-specific problem.
  rejects({ KeyConditionExpression: 'pk <> :v', ExpressionAttributeValues: usedOf(':v'), ExpressionAttributeNames: { '#z': 'z' } }, 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#z}', { keySchema: qqq });
  // Without the schema, resolve() later does the same checks.
  const later = compileExpressions({ KeyConditionExpression: 'pk = :v AND sk > :w', ExpressionAttributeValues: v }).keyCondition!;
  assert.equal(later.partition, undefined);
  assert.deepEqual(later.resolve({ name: 'pk' }, { name: 'sk' }).sort, { name: 'sk', op: '>', values: [S('b')] });
  assert.throws(() => later.resolve({ name: 'id' }), { message: 'Query condition missed key schema element: id' });
});

test('a request like one that passed is bound to its own values, and what looks inside values is checked again', () => {
  const schema = { partition: { name: 'pk', type: 'S' }, sort: { name: 'sk', type: 'N' } } as const;
  const query = (values: Record<string, AttributeValue>, KeyConditionExpression = 'pk = :p AND sk > :s') =>
    compileExpressions({ KeyConditionExpression, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: values }).keyCondition!;
  for (const [p, s] of [['x', '1'], ['y', '2'], ['z', '03']]) {
    const k = query({ ':p': S(p!), ':s': N(s!) });
    assert.deepEqual(k.resolve(schema.partition, schema.sort), { partition: { name: 'pk', value: S(p!) }, sort: { name: 'sk', op: '>', values: [N(String(Number(s)))] } });
    // Resolved against another schema (an index), the same form fails as it did the first time.
    assert.throws(() => k.resolve({ name: 'id' }), { message: 'Query condition missed key schema element: id' });
  }
  // Other value types are validated afresh.
  assert.throws(() => query({ ':p': S('x'), ':s': S('1') }).resolve(schema.partition, schema.sort), { message: /does not match schema type/ });
  // Values are validated every time, names and unused values are part of what is remembered.
  rejects({ KeyConditionExpression: 'pk = :p AND sk > :s', ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':p': S('x'), ':s': N('x') } }, "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x for key :s");
  rejects({ KeyConditionExpression: 'pk = :p AND sk > :s', ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a', '#b': 'b' }, ExpressionAttributeValues: { ':p': S('x'), ':s': N('1') } }, 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}');
  rejects({ KeyConditionExpression: 'pk = :p AND sk > :s', ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':p': S('x'), ':s': N('1'), ':t': N('1') } }, 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:t}');
  // BETWEEN compares the values themselves: a passing request does not vouch for the next.
  const between = 'pk = :p AND sk BETWEEN :lo AND :hi';
  assert.ok(query({ ':p': S('x'), ':lo': N('1'), ':hi': N('2') }, between));
  rejects({ KeyConditionExpression: between, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':p': S('x'), ':lo': N('3'), ':hi': N('2') } }, 'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:3}, upper bound operand: AttributeValue: {N:2}');
});
