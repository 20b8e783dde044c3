// The item editor's text: DynamoDB JSON or plain JSON; plain JSON typed while "DynamoDB JSON" is
// the remembered choice is read as plain JSON, because it cannot be DynamoDB JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemText, looksLikeDynamoJson, parseItemText, parseLossless } from '../../src/protocol/dynamo-json';

describe('editor text in either format', () => {
  it('accepts plain JSON when DynamoDB JSON was chosen, and says it read it as plain', () => {
    const r = parseItemText('{"customer": "carol", "orderId": 7, "total": 5.50}', 'dynamo');
    assert.deepEqual(r.problems, []);
    assert.equal(r.format, 'plain');
    assert.deepEqual(r.item, { customer: { S: 'carol' }, orderId: { N: '7' }, total: { N: '5.50' } });
  });

  it('keeps the chosen format when the text is DynamoDB JSON', () => {
    const r = parseItemText('{"customer": {"S": "carol"}, "orderId": {"N": "7"}}', 'dynamo');
    assert.equal(r.format, 'dynamo');
    assert.deepEqual(r.item, { customer: { S: 'carol' }, orderId: { N: '7' } });
  });

  it('reports DynamoDB JSON mistakes instead of reading them as plain JSON', () => {
    const r = parseItemText('{"customer": {"S": "carol"}, "orderId": {"N": "abc"}}', 'dynamo');
    assert.equal(r.item, undefined);
    assert.equal(r.format, 'dynamo');
    assert.match(r.problems.join('\n'), /orderId\.N/);
  });

  it('reads ambiguous text the way the user chose: plain JSON stays plain', () => {
    const r = parseItemText('{"tag": {"S": "x"}}', 'plain');
    assert.equal(r.format, 'plain');
    assert.deepEqual(r.item, { tag: { M: { S: { S: 'x' } } } });
  });

  it('reports syntax errors whatever the format', () => {
    for (const f of ['plain', 'dynamo'] as const) assert.match(parseItemText('{"a": }', f).problems[0]!, /^JSON: .*line 1/);
    assert.match(parseItemText('[1, 2]', 'dynamo').problems[0]!, /JSON object/);
  });

  it('tells DynamoDB JSON apart by its single type key per attribute', () => {
    assert.equal(looksLikeDynamoJson(parseLossless('{"a": {"S": "x"}, "b": {"NULL": true}}')), true);
    assert.equal(looksLikeDynamoJson(parseLossless('{"a": {"S": "x", "N": "1"}}')), false);
    assert.equal(looksLikeDynamoJson(parseLossless('{"a": "x"}')), false);
    assert.equal(looksLikeDynamoJson(parseLossless('{"a": {"Q": "x"}}')), false);
  });

  it('round-trips an item through the text of either format', () => {
    const item = { customer: { S: 'a' }, n: { N: '12345678901234567890.5' }, tags: { L: [{ S: 'x' }] } };
    for (const f of ['plain', 'dynamo'] as const) assert.deepEqual(parseItemText(itemText(item, f), f).item, item);
  });
});
