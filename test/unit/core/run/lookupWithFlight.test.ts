import assert from 'node:assert/strict';
import type { SharedFlight, SharedOutcome, SharedWork } from '../../../../src/core/flight';
import type { CachedAnswer } from '../../../../src/core/pipeline';
import { lookupWithFlight } from '../../../../src/core/run/lookupWithFlight';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';
import { UncachedAnswer } from '../../../../src/core/uncachedAnswer';
import { cachedAnswer } from '../../../helpers/cachedAnswer';
import { memoryOnlyCache } from '../../../helpers/memoryOnlyCache';

/** A flight whose every run goes the way `behave` says another instance (or none) makes it go. */
function flightThat(behave: <T>(work: SharedWork<T>) => Promise<SharedOutcome<T>>): Pick<SharedFlight, 'run'> {
  return { run: (_layer, _key, work) => behave(work) };
}

describe('lookupWithFlight (the module and result layers\' lookup)', () => {
  let cache: TieredCache;
  let writes: string[];
  const always = (): boolean => true;

  beforeEach(async () => {
    ({ cache } = await memoryOnlyCache());
    writes = [];
    cache.events.on('set', ({ key }) => writes.push(key));
  });

  afterEach(async () => {
    await cache.close();
  });

  it('pays on a miss, then answers from memory without calling again', async () => {
    let calls = 0;
    const call = async () => {
      calls += 1;
      return cachedAnswer('paid for');
    };
    const first = await lookupWithFlight({ cache }, 'result', 'k', call, always);
    assert.deepEqual({ source: first.source, uncached: first.uncached, text: first.answer.text }, { source: 'compute', uncached: false, text: 'paid for' });
    const second = await lookupWithFlight({ cache }, 'result', 'k', call, always);
    assert.equal(second.source, 'memory');
    assert.equal(calls, 1);
  });

  it('hands back an answer that is not whole, and stores it nowhere', async () => {
    const cutOff = { ...cachedAnswer('half an ans'), stopReason: 'max_tokens' };
    const looked = await lookupWithFlight({ cache }, 'module', 'k', async () => Promise.reject(new UncachedAnswer(cutOff)), always);
    assert.deepEqual({ source: looked.source, uncached: looked.uncached, text: looked.answer.text }, { source: 'compute', uncached: true, text: 'half an ans' });
    assert.equal(cache.peek('module', 'k'), undefined);
    assert.deepEqual(writes, []);
  });

  it('lets other errors through', async () => {
    await assert.rejects(lookupWithFlight({ cache }, 'result', 'k', async () => Promise.reject(new Error('overloaded')), always), /overloaded/);
  });

  it('marks an answer another instance paid for as joined, and does not write it a second time', async () => {
    const flight = flightThat(async (work) => {
      // The other instance's holder left its answer in the shared tier before this one read it.
      await cache.set('result', 'k', cachedAnswer('theirs'));
      const value = await work.read();
      assert.ok(value);
      return { value, joined: true };
    });
    const looked = await lookupWithFlight({ cache, flight }, 'result', 'k', async () => assert.fail('no call for a joined answer'), always);
    assert.deepEqual({ source: looked.source, text: looked.answer.text }, { source: 'joined', text: 'theirs' });
    assert.deepEqual(writes, ['k'], 'only the holder\'s write');
  });

  it('as the holder, shares the answer before the lock goes and does not write it again', async () => {
    const flight = flightThat(async (work) => {
      const value = await work.compute();
      assert.equal(await work.share(value), true);
      return { value, joined: false };
    });
    const looked = await lookupWithFlight({ cache, flight }, 'module', 'k', async () => cachedAnswer('ours'), always);
    assert.equal(looked.source, 'compute');
    assert.deepEqual(writes, ['k'], 'the share, and no second write by the cache');
  });

  it('as the holder of an answer that must stay private, shares nothing and lets the cache keep it in memory', async () => {
    const flight = flightThat(async (work) => {
      const value = await work.compute();
      assert.equal(await work.share(value), false);
      return { value, joined: false };
    });
    const looked = await lookupWithFlight({ cache, flight }, 'result', 'k', async () => cachedAnswer('secret'), () => false);
    assert.equal(looked.source, 'compute');
    assert.deepEqual(writes, ['k'], 'stored once, by the cache');
    assert.equal(cache.peek<CachedAnswer>('result', 'k')?.text, 'secret');
  });
});
