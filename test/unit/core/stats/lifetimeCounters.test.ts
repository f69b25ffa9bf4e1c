import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCounters, emptyCounters, LifetimeCountersFile } from '../../../../src/core/stats/lifetimeCounters';

describe('LifetimeCountersFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'counters-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function delta(hits: number, misses: number) {
    const counters = emptyCounters();
    counters.layers.result = { hits, misses };
    counters.tiers.memory.hits = hits;
    return counters;
  }

  it('reads zero when there is no file yet', async () => {
    assert.deepEqual(await new LifetimeCountersFile(join(dir, 'stats.json')).load(), emptyCounters());
  });

  it('adds what each process counted instead of overwriting it', async () => {
    const file = join(dir, 'nested', 'stats.json');
    const editor = new LifetimeCountersFile(file);
    const cli = new LifetimeCountersFile(file);
    await editor.add(delta(3, 1));
    await cli.add(delta(1, 1));
    await editor.add(delta(2, 0));
    const total = await cli.load();
    assert.deepEqual(total.layers.result, { hits: 6, misses: 2 });
    assert.equal(total.tiers.memory.hits, 6);
    assert.deepEqual(total.layers.prompt, { hits: 0, misses: 0 });
  });

  it('reads a corrupt or foreign file as zero and replaces it on the next write', async () => {
    const path = join(dir, 'stats.json');
    await writeFile(path, '{ not json');
    const file = new LifetimeCountersFile(path);
    assert.deepEqual(await file.load(), emptyCounters());
    await writeFile(path, JSON.stringify({ layers: { result: { hits: -4, misses: 'x' } }, tiers: null }));
    assert.deepEqual(await file.load(), emptyCounters());
    await file.add(delta(1, 0));
    assert.deepEqual((await file.load()).layers.result, { hits: 1, misses: 0 });
  });

  it('resets to zero', async () => {
    const file = new LifetimeCountersFile(join(dir, 'stats.json'));
    await file.add(delta(5, 5));
    await file.reset();
    assert.deepEqual(await file.load(), emptyCounters());
  });

  it('subtracts counters for deltas', () => {
    assert.deepEqual(addCounters(delta(5, 3), delta(2, 1), -1).layers.result, { hits: 3, misses: 2 });
  });
});
