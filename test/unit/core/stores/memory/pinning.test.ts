import assert from 'node:assert/strict';
import { ManualClock } from '../../../../../src/core/clock';
import { ConfigError } from '../../../../../src/core/errors';
import { MemoryStore, type MemoryEvictionReason } from '../../../../../src/core/stores/memory/memoryStore';
import { fade, heatOf, HeatDecay } from '../../../../../src/core/stores/memory/pinning/hitHeat';
import { pinningPolicyOf, type PinningPolicy } from '../../../../../src/core/stores/memory/pinning/pinningPolicy';
import { DEFAULT_CONFIG, objectReader, resolveConfig } from '../../../../../src/core/config';
import { budgets } from '../../../../helpers/layerBudgets';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const policy: PinningPolicy = { enabled: true, hitThreshold: 3, maxShare: 0.5, halfLifeMs: 10 * MINUTE };

describe('MemoryStore pinning', () => {
  let clock: ManualClock;
  let departures: Array<[string, MemoryEvictionReason]>;
  let store: MemoryStore;

  beforeEach(() => {
    clock = new ManualClock();
    departures = [];
    store = new MemoryStore({
      budgets: budgets(1_000),
      clock,
      pinning: policy,
      onEvict: (_layer, key, reason) => departures.push([key, reason]),
    });
  });

  afterEach(async () => {
    await store.close();
  });

  function put(key: string, size = 300, ttlMs = HOUR): void {
    store.setSync('result', key, `value of ${key}`, { ttlMs, size });
  }

  function read(key: string, times: number): void {
    for (let i = 0; i < times; i++) assert.ok(store.getSync('result', key), `${key} should be cached`);
  }

  async function pinnedKeys(): Promise<string[]> {
    return (await store.entries('result', 100)).filter((entry) => entry.pinned).map((entry) => entry.key).sort();
  }

  it('keeps an entry read at least the threshold times when LRU order would evict it', async () => {
    put('hot');
    read('hot', 3);
    put('a');
    put('b');
    put('c'); // LRU order reaches `hot` first
    assert.ok(store.getSync('result', 'hot'), 'the hot entry survived');
    assert.deepEqual(await pinnedKeys(), ['hot']);
    assert.equal(store.pinnedBytesOf('result'), 300);
    assert.deepEqual(departures, [['a', 'evict']], 'the next least recently used entry went instead');
    assert.equal(store.evictions('result'), 1);
  });

  it('evicts an entry read fewer times than the threshold as plain LRU does', async () => {
    put('warm');
    read('warm', 2);
    put('a');
    put('b');
    put('c');
    assert.equal(store.getSync('result', 'warm'), undefined);
    assert.deepEqual(await pinnedKeys(), []);
  });

  it('keeps LRU and pinned entries together within the layer budget', async () => {
    put('hot');
    read('hot', 5);
    for (const key of ['a', 'b', 'c', 'd', 'e']) put(key);
    const usage = await store.usage('result');
    assert.ok(usage.bytes <= 1_000, `${usage.bytes} bytes used of 1000`);
    assert.equal(usage.entries, 3);
    assert.ok(store.getSync('result', 'hot'));
  });

  it('pins no more than its share of the budget', async () => {
    for (const key of ['h1', 'h2', 'h3']) {
      put(key);
      read(key, 4);
    }
    for (const key of ['a', 'b', 'c']) put(key);
    // A share of 500 bytes holds one 300-byte entry: the others were evicted once LRU order reached them.
    assert.deepEqual(await pinnedKeys(), ['h1']);
    assert.ok(store.pinnedBytesOf('result') <= 500);
  });

  it('lets a hotter entry take the place of a colder pinned one', async () => {
    put('cool');
    read('cool', 3);
    put('hotter');
    read('hotter', 9);
    for (const key of ['a', 'b', 'c']) put(key);
    assert.deepEqual(await pinnedKeys(), ['hotter']);
    assert.ok(departures.some(([key, reason]) => key === 'cool' && reason === 'evict'));
  });

  it('lets a pinned entry go back to LRU order once its reads fade below the threshold', async () => {
    put('hot');
    read('hot', 4);
    for (const key of ['a', 'b', 'c']) put(key);
    assert.deepEqual(await pinnedKeys(), ['hot']);
    // Reads count fully through the half-life they fall in and halve after that: 4 reads weigh 2 after two.
    clock.advance(20 * MINUTE);
    assert.deepEqual(await pinnedKeys(), []);
    assert.equal(await store.has('result', 'hot'), true, 'unpinned, but still cached');
    put('d');
    put('e');
    put('f');
    assert.equal(store.getSync('result', 'hot'), undefined, 'now evicted in LRU order like any other entry');
  });

  it('keeps a pinned entry that is still read as it fades', async () => {
    put('hot');
    read('hot', 4);
    for (const key of ['a', 'b', 'c']) put(key);
    clock.advance(15 * MINUTE);
    read('hot', 2);
    clock.advance(5 * MINUTE); // 6 reads weigh 3 after two half-lives: still at the threshold
    assert.deepEqual(await pinnedKeys(), ['hot']);
  });

  it('serves, deletes, invalidates and expires pinned entries like any other', async () => {
    put('hot', 300, 30 * MINUTE);
    read('hot', 3);
    put('hot2', 100, HOUR);
    read('hot2', 3);
    for (const key of ['a', 'b', 'c']) put(key);
    assert.deepEqual(await pinnedKeys(), ['hot', 'hot2']);
    assert.equal(await store.has('result', 'hot'), true);
    assert.deepEqual((await store.keys('result', { pattern: 'hot*' })).sort(), ['hot', 'hot2']);
    assert.equal(await store.delete('result', 'hot2'), true);
    assert.equal(store.getSync('result', 'hot2'), undefined);
    clock.advance(30 * MINUTE);
    assert.equal(store.getSync('result', 'hot'), undefined);
    assert.ok(departures.some(([key, reason]) => key === 'hot' && reason === 'expire'));
    assert.equal(store.pinnedBytesOf('result'), 0);
  });

  it('removes pinned entries on deleteMatching, clear and purgeExpired', async () => {
    put('hot', 300, 10 * MINUTE);
    read('hot', 3);
    for (const key of ['a', 'b', 'c']) put(key);
    assert.equal(await store.deleteMatching('result', 'ho*'), 1);
    put('hot', 300, 10 * MINUTE);
    read('hot', 3);
    for (const key of ['d', 'e', 'f']) put(key);
    assert.deepEqual(await pinnedKeys(), ['hot']);
    clock.advance(10 * MINUTE);
    assert.equal(store.purgeExpired(), 1);
    put('hot', 300);
    read('hot', 3);
    for (const key of ['g', 'h', 'i']) put(key);
    assert.equal(await store.clear('result'), 3);
    assert.equal(store.pinnedBytesOf('result'), 0);
  });

  it('replacing a pinned entry stores the new value unpinned and reports the old one as set', async () => {
    put('hot');
    read('hot', 3);
    for (const key of ['a', 'b', 'c']) put(key);
    store.setSync('result', 'hot', 'new', { ttlMs: HOUR, size: 300 });
    assert.equal(store.getSync('result', 'hot')?.value, 'new');
    assert.deepEqual(await pinnedKeys(), []);
    assert.ok(departures.some(([key, reason]) => key === 'hot' && reason === 'set'));
  });

  it('releases every pinned entry into LRU order when pinning is turned off', async () => {
    put('hot');
    read('hot', 3);
    for (const key of ['a', 'b', 'c']) put(key);
    store.setPinning({ ...policy, enabled: false });
    assert.deepEqual(await pinnedKeys(), []);
    for (const key of ['d', 'e', 'f']) put(key);
    assert.equal(store.getSync('result', 'hot'), undefined);
  });

  it('keeps pinned entries across a resize when they fit the new share', async () => {
    put('hot', 200);
    read('hot', 3);
    for (const key of ['a', 'b', 'c', 'd']) put(key, 250);
    assert.deepEqual(await pinnedKeys(), ['hot']);
    store.resize({ ...budgets(1_000), result: 800 });
    assert.ok(store.getSync('result', 'hot'));
    const usage = await store.usage('result');
    assert.ok(usage.bytes <= 800);
  });

  it('pins nothing when off (the default)', async () => {
    const plain = new MemoryStore({ budgets: budgets(1_000), clock });
    plain.setSync('result', 'hot', 'v', { ttlMs: HOUR, size: 300 });
    for (let i = 0; i < 10; i++) plain.getSync('result', 'hot');
    for (const key of ['a', 'b', 'c']) plain.setSync('result', key, key, { ttlMs: HOUR, size: 300 });
    assert.equal(plain.getSync('result', 'hot'), undefined);
    await plain.close();
  });

  it('refuses a policy out of range with ConfigError', () => {
    assert.throws(() => store.setPinning({ ...policy, maxShare: 1.5 }), ConfigError);
    assert.throws(() => store.setPinning({ ...policy, hitThreshold: 0 }), ConfigError);
    assert.throws(() => store.setPinning({ ...policy, halfLifeMs: 0 }), ConfigError);
  });
});

describe('hit heat', () => {
  it('counts reads since the last decay fully and halves older ones every half-life', () => {
    const entry = { hits: 8, heat: 0, hitsAtDecay: 0 };
    assert.equal(heatOf(entry), 8);
    fade(entry, 1);
    assert.equal(heatOf(entry), 8);
    fade(entry, 2);
    assert.equal(heatOf(entry), 2);
    entry.hits += 3;
    assert.equal(heatOf(entry), 5);
  });

  it('applies each elapsed half-life exactly once', () => {
    const decay = new HeatDecay(100, 0);
    assert.equal(decay.periodsDue(99), 0);
    assert.equal(decay.periodsDue(250), 2);
    assert.equal(decay.periodsDue(299), 0);
    assert.equal(decay.periodsDue(300), 1);
  });
});

describe('pinning settings', () => {
  it('default to pinning entries read 5 times, in up to a quarter of each budget, halving every 30 minutes', () => {
    assert.deepEqual(pinningPolicyOf(DEFAULT_CONFIG.pinning), {
      enabled: true,
      hitThreshold: 5,
      maxShare: 0.25,
      halfLifeMs: 30 * MINUTE,
    });
  });

  it('refuse a share above 90 percent and keep the default', () => {
    const { config, problems } = resolveConfig(objectReader({ 'pinning.maxSharePercent': 95 }));
    assert.equal(config.pinning.maxSharePercent, 25);
    assert.match(problems[0]?.message ?? '', /claudeCache\.pinning\.maxSharePercent is 95, above the maximum 90/);
  });
});
