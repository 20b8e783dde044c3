// The identity a panel keeps in its page state: it survives any state the page sets, the page
// never sees it, and anything malformed reads as "no panel to restore".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PANEL_STATE_KEY, identityOf, panelKey, parseIdentity, withIdentity, withoutIdentity } from '../../src/protocol/panel-state';

const identity = fc.record({ connectionId: fc.string({ minLength: 1 }), tableName: fc.option(fc.string({ minLength: 1 }), { nil: undefined }) }, { requiredKeys: ['connectionId'] })
  .map((i) => (i.tableName === undefined ? { connectionId: i.connectionId } : { connectionId: i.connectionId, tableName: i.tableName }));
const pageState = fc.dictionary(fc.string().filter((k) => k !== PANEL_STATE_KEY && k !== '__proto__'), fc.jsonValue(), { minKeys: 1 });

test('a page state saved with an identity gives back both the identity and the page state unchanged', () => {
  fc.assert(
    fc.property(identity, pageState, (id, state) => {
      const saved = JSON.parse(JSON.stringify(withIdentity(state, id)));
      assert.deepEqual(identityOf(saved), id);
      assert.deepEqual(withoutIdentity(saved), JSON.parse(JSON.stringify(state)));
    }),
  );
});

test('setting a new page state keeps the identity and drops the old page fields', () => {
  const id = { connectionId: 'workspace:file:///w', tableName: 'Orders' };
  const first = withIdentity({ spec: { mode: 'scan' }, sort: 'a' }, id);
  const second = withIdentity({ spec: { mode: 'query' } }, id);
  assert.deepEqual(second, { spec: { mode: 'query' }, [PANEL_STATE_KEY]: id });
  assert.deepEqual(identityOf(first), identityOf(second));
});

test('a page that set no state of its own still carries its identity, and reads back no state', () => {
  const id = { connectionId: 'remote:local' };
  const saved = withIdentity(undefined, id);
  assert.deepEqual(identityOf(saved), id);
  assert.equal(withoutIdentity(saved), undefined);
});

test('malformed identities are no identity: wrong types, empty strings, extra fields, non-objects', () => {
  for (const bad of [undefined, null, 42, 'x', [], {}, { connectionId: '' }, { connectionId: 7 }, { connectionId: 'a', tableName: '' }, { connectionId: 'a', tableName: 3 }, { connectionId: 'a', extra: 1 }]) {
    assert.equal(parseIdentity(bad), undefined, JSON.stringify(bad));
    assert.equal(identityOf({ [PANEL_STATE_KEY]: bad, spec: {} }), undefined, JSON.stringify(bad));
  }
  assert.equal(identityOf('not a state'), undefined);
});

test('panel keys differ by kind, connection and table, and a connection-wide panel differs from a table panel', () => {
  const keys = [
    panelKey('items', { connectionId: 'a', tableName: 't' }),
    panelKey('timeline', { connectionId: 'a', tableName: 't' }),
    panelKey('items', { connectionId: 'b', tableName: 't' }),
    panelKey('items', { connectionId: 'a', tableName: 'u' }),
    panelKey('items', { connectionId: 'a' }),
  ];
  assert.equal(new Set(keys).size, keys.length);
});
