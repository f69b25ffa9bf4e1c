import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../../../src/core/clock';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { EncryptingCodec } from '../../../../src/core/codec/encryptingCodec';
import { EncryptedNamespaceGuard, namespaceMarker, type MarkerClient } from '../../../../src/core/security/encryptedNamespace';
import { EncryptedNamespaceError } from '../../../../src/core/security/errors';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import type { Store } from '../../../../src/core/stores/store';

const PREFIX = 'team:';
const MARKER_KEY = `${PREFIX}__meta:encrypted`;
const marker = (key: Buffer) => namespaceMarker(new EncryptingCodec({ encode: encodeValue, decode: decodeValue }, key));

/** The marker key of a Redis namespace, and every command sent for it. */
class FakeMarkerClient implements MarkerClient {
  readonly values = new Map<string, string>();
  readonly commands: string[] = [];

  async get(key: string): Promise<string | null> {
    this.commands.push(`GET ${key}`);
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string, mode: 'NX'): Promise<unknown> {
    this.commands.push(`SET ${key} ${mode}`);
    if (this.values.has(key)) return null;
    this.values.set(key, value);
    return 'OK';
  }
}

/** A store that counts what reaches it, so a test can say "nothing was written". */
function countingStore(): { store: Store<Uint8Array>; calls: string[] } {
  const inner = new MemoryStore({ budgets: { prompt: 1e6, context: 1e6, module: 1e6, result: 1e6 } });
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as Store<Uint8Array>;
  return { store, calls };
}

describe('EncryptedNamespaceGuard', () => {
  const bytes = new Uint8Array([1, 2, 3]);

  it('marks an unmarked namespace when it has a key, then uses it', async () => {
    const client = new FakeMarkerClient();
    const { store, calls } = countingStore();
    const key = randomBytes(32);
    const guard = new EncryptedNamespaceGuard(store, { client, keyPrefix: PREFIX, marker: marker(key), onLocked: () => assert.fail('locked') });
    await guard.set('result', 'k', bytes, { ttlMs: 1000 });
    assert.equal(client.values.get(MARKER_KEY), marker(key));
    assert.match(client.values.get(MARKER_KEY) ?? '', /^v1:[0-9a-f]{16}$/);
    assert.deepEqual((await guard.get('result', 'k'))?.value, bytes);
    assert.deepEqual(calls, ['set', 'get']);
    assert.equal(guard.usable, true);
  });

  it('without a key, uses an unmarked namespace and leaves no marker', async () => {
    const client = new FakeMarkerClient();
    const { store } = countingStore();
    const guard = new EncryptedNamespaceGuard(store, { client, keyPrefix: PREFIX, marker: undefined, onLocked: () => assert.fail('locked') });
    await guard.set('result', 'k', bytes, { ttlMs: 1000 });
    assert.equal(client.values.size, 0);
  });

  for (const [who, ours] of [
    ['without a key', undefined],
    ['with another key', marker(randomBytes(32))],
  ] as const) {
    it(`${who}, touches nothing in a marked namespace and reports the problem once`, async () => {
      const client = new FakeMarkerClient();
      client.values.set(MARKER_KEY, marker(randomBytes(32)));
      const { store, calls } = countingStore();
      const problems: string[] = [];
      const clock = new ManualClock();
      const guard = new EncryptedNamespaceGuard(store, { client, keyPrefix: PREFIX, marker: ours, clock, onLocked: (problem) => problems.push(problem) });
      const attempts: Array<() => Promise<unknown>> = [
        () => guard.set('result', 'k', bytes, { ttlMs: 1000 }),
        () => guard.setMany('result', [{ key: 'k', value: bytes, ttlMs: 1000 }]),
        () => guard.get('result', 'k'),
        () => guard.getMany('result', ['k']),
        () => guard.delete('result', 'k'),
        () => guard.deleteMatching('result', '*'),
        () => guard.clear('result'),
        () => guard.keys('result'),
      ];
      for (const attempt of attempts) await assert.rejects(attempt(), EncryptedNamespaceError);
      assert.deepEqual(calls, [], 'nothing reached the store');
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', /namespace "team:" is encrypted.*set the team's encryption key/);
      assert.equal(guard.usable, false);
      // The verdict holds for a while: the marker is not read again on every call.
      assert.equal(client.commands.filter((command) => command.startsWith('GET')).length, 1);
      assert.ok(!client.commands.some((command) => command.startsWith('SET')), 'the marker is never replaced');
    });
  }

  it('reads the marker again after a while: a namespace marked later is left alone from then on', async () => {
    const client = new FakeMarkerClient();
    const { store, calls } = countingStore();
    const clock = new ManualClock();
    const problems: string[] = [];
    const guard = new EncryptedNamespaceGuard(store, {
      client,
      keyPrefix: PREFIX,
      marker: undefined,
      clock,
      recheckMs: 60_000,
      onLocked: (problem) => problems.push(problem),
    });
    await guard.set('result', 'k', bytes, { ttlMs: 1000 });
    client.values.set(MARKER_KEY, marker(randomBytes(32)));
    clock.advance(59_000);
    await guard.set('result', 'k2', bytes, { ttlMs: 1000 });
    clock.advance(2_000);
    await assert.rejects(guard.set('result', 'k3', bytes, { ttlMs: 1000 }), EncryptedNamespaceError);
    assert.deepEqual(calls, ['set', 'set']);
    assert.equal(problems.length, 1);
  });

  it('with the right key, uses a namespace another instance with that key marked', async () => {
    const key = randomBytes(32);
    const client = new FakeMarkerClient();
    client.values.set(MARKER_KEY, marker(Buffer.from(key)));
    const { store } = countingStore();
    const guard = new EncryptedNamespaceGuard(store, { client, keyPrefix: PREFIX, marker: marker(key), onLocked: () => assert.fail('locked') });
    await guard.set('result', 'k', bytes, { ttlMs: 1000 });
    assert.equal(guard.usable, true);
  });
});
