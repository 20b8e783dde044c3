// The endpoint's body for a result: resultToBody keeps a Rendered member's pieces apart and
// joins to exactly resultToJson's text, whatever members come before or after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bodyText, Rendered, resultToBody, resultToJson } from '../../src/engine/results';

class Pieces extends Rendered {
  constructor(private readonly parts: string[]) {
    super();
  }
  json(): string {
    return this.parts.join('');
  }
  override pieces(): string[] {
    return this.parts;
  }
  decode(): unknown {
    return JSON.parse(this.json());
  }
}

const member = fc.oneof(fc.constant(undefined), fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.record({ a: fc.string() }));

test('a result with a Rendered member becomes pieces that join to resultToJson\'s text, the member\'s own pieces kept whole', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'Next'), member), { maxLength: 4 }), fc.integer({ min: 0, max: 4 }), fc.array(fc.integer(), { minLength: 1, maxLength: 30 }), (members, at, numbers) => {
      // The rendered text is a JSON array split anywhere (pieces are arbitrary cuts of the text).
      const text = JSON.stringify(numbers);
      const cuts = [...new Set(numbers.map((n) => Math.abs(n) % text.length))].sort((x, y) => x - y);
      const parts = [0, ...cuts].map((c, i, all) => text.slice(c, all[i + 1] ?? text.length)).filter((p, i) => p.length > 0 || i === 0);
      const result: Record<string, unknown> = {};
      members.slice(0, at).forEach(([k, v]) => (result[k + 'before'] = v));
      result.Records = new Pieces(parts);
      members.slice(at).forEach(([k, v]) => (result[k + 'after'] = v));
      const body = resultToBody(result);
      assert.ok(Array.isArray(body));
      assert.equal(bodyText(body), resultToJson(result));
      assert.deepEqual(JSON.parse(bodyText(body)).Records, numbers);
      // The rendered pieces are handed on as they are, not copied into bigger strings.
      assert.deepEqual(body.slice(1, 1 + parts.length), parts);
    }),
    { numRuns: 300, seed: 5 },
  );
});

test('a result without a Rendered member is one string, resultToJson\'s', () => {
  const result = { Count: 2, Items: ['a', 'b'], LastEvaluatedKey: undefined };
  assert.equal(resultToBody(result), resultToJson(result));
  assert.equal(resultToBody(undefined), resultToJson(undefined));
});
