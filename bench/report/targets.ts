import { floorRatio, speedupOver, type BenchResults, type Row, type Target } from './results';

function findRow(results: BenchResults, id: string): Row | undefined {
  for (const section of results.sections) {
    const row = section.rows.find((candidate) => candidate.id === id);
    if (row) return row;
  }
  return undefined;
}

function metric(results: BenchResults, section: string, name: string): number | undefined {
  return results.sections.find((candidate) => candidate.id === section)?.metrics[name];
}

function target(
  id: string,
  description: string,
  value: number | undefined,
  comparison: Target['comparison'],
  limit: number,
  unit: Target['unit'],
  basis: string,
): Target | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const met = comparison === '<=' ? value <= limit : comparison === '>=' ? value >= limit : value === limit;
  return { id, description, value, limit, comparison, unit, met, basis };
}

/** The bounds, evaluated on what this run measured (targets whose section did not run are left out). */
export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Array<Target | undefined> = [];
  const sync = findRow(results, 'memory-hit-sync-4096');
  targets.push(
    target('memory-hit-vs-lru', 'memory hit <= 1.5x raw LRUCache.get', sync && floorRatio(sync), '<=', 1.5, 'x', 'TieredCache.peek mean / LRUCache.get mean, 4 KB'),
  );
  const async = findRow(results, 'memory-hit-getOrCompute-4096');
  const bentoOff = async?.peers.find((peer) => peer.system === 'BentoCache (serializeL1 off)');
  targets.push(
    target(
      'memory-hit-vs-bento',
      'memory hit at least as fast as BentoCache with serializeL1 off',
      async && bentoOff && speedupOver(async, bentoOff),
      '>=',
      1,
      'x',
      'bento.getOrSet mean / TieredCache.getOrCompute mean, memory hit, 4 KB',
    ),
  );
  const redis = findRow(results, 'redis-hit-4096');
  targets.push(target('redis-hit-vs-raw', 'Redis hit <= 1.15x raw getBuffer', redis && floorRatio(redis), '<=', 1.15, 'x', 'getOrCompute (Redis hit, decode, promotion) mean / ioredis getBuffer mean, 4 KB'));
  const surreal = findRow(results, 'surreal-hit-4096');
  targets.push(target('surreal-hit-vs-raw', 'SurrealDB hit <= 1.2x raw select', surreal && floorRatio(surreal), '<=', 1.2, 'x', 'getOrCompute (SurrealDB hit, promotion) mean / db.select(RecordId) mean, 4 KB'));
  targets.push(
    target(
      'tiered-vs-bento',
      'tiered getOrCompute with serialization >= 1.5x BentoCache',
      metric(results, 'workloads', 'geomeanOverBento'),
      '>=',
      1.5,
      'x',
      'geometric mean over the workload matrix of ours ops/s / BentoCache (serializeL1 on) ops/s',
    ),
  );
  targets.push(
    target(
      'tiered-vs-cache-manager',
      'tiered getOrCompute with serialization >= 5x cache-manager',
      metric(results, 'workloads', 'geomeanOverCacheManager'),
      '>=',
      5,
      'x',
      'geometric mean over the workload matrix of ours ops/s / cache-manager ops/s',
    ),
  );
  const throughput = findRow(results, 'redis-throughput-c128');
  targets.push(
    target(
      'redis-c128-throughput',
      'concurrency-128 Redis throughput >= 90 % of raw auto-pipelined',
      throughput?.floor && (100 * throughput.ours.summary.opsPerSec) / throughput.floor.summary.opsPerSec,
      '>=',
      90,
      '%',
      'ours ops/s / ioredis auto-pipelined getBuffer ops/s, 128 in flight, 4 KB',
    ),
  );
  targets.push(
    target('stampede-one-instance', 'exactly one computation for 1000 identical misses in one instance', metric(results, 'stampede', 'oursComputations1'), '==', 1, 'count', 'worst trial'),
  );
  const hitRate = metric(results, 'trace', 'resultHitRate');
  targets.push(target('trace-hit-rate', 'trace hit rate >= 90 %', hitRate === undefined ? undefined : 100 * hitRate, '>=', 90, '%', 'result-layer hits / runs'));
  targets.push(target('trace-stale', 'zero stale answers in the trace', metric(results, 'trace', 'staleAnswers'), '==', 0, 'count', 'answers whose request saw other file contents or selection'));
  targets.push(target('load-errors', 'sustained load: 0 errors', metric(results, 'load', 'errors'), '==', 0, 'count', 'errors over the load run, both instances'));
  targets.push(
    target('load-invalidations', 'sustained load: every invalidation seen by the other instance', metric(results, 'load', 'unseenInvalidations'), '==', 0, 'count', 'invalidations the other instance never heard of'),
  );
  targets.push(
    target('load-heap-flat', 'sustained load: heap flat (post-GC trend <= 0.25 MiB/s)', metric(results, 'load', 'heapSlopeMiBPerSecond'), '<=', 0.25, 'x', 'least-squares slope of heap after full GC, MiB/s'),
  );
  targets.push(
    target('load-memory-budget', 'sustained load: memory tier within budget', metric(results, 'load', 'peakMemoryOfBudget'), '<=', 1, 'x', 'peak result-layer memory bytes / budget'),
  );
  targets.push(
    target('team-single-flight', 'concurrent identical runs over two instances: each upstream request made once', metric(results, 'team', 'concurrentCallsPerSoloCall'), '==', 1, 'x', 'fake API calls of N concurrent identical runs over A and B / calls of one such run alone'),
  );
  targets.push(
    target('cli-cached-run', 'cached claude-cache run <= 2.5x node -e 0', metric(results, 'coldStart', 'cliCachedRunOverNode'), '<=', 2.5, 'x', 'median per-round ratio of whole-process wall times, same rounds'),
  );
  const history = (name: string) => metric(results, 'history', name);
  const oursOverOracle = history('oursOverOracle');
  targets.push(target('history-dollars', 'real-history replay, shipped settings: dollars <= 1.10x the oracle', oursOverOracle, '<=', 1.1, 'x', 'ledger dollars of ours / hindsight-optimal dollars, same stream'));
  const ofOracle = history('hitRateOfOracle');
  targets.push(
    target('history-hit-rate', 'real-history replay: result hit rate >= 95 % of the oracle', ofOracle === undefined ? undefined : 100 * ofOracle, '>=', 95, '%', 'ours result-layer hit rate / the oracle'),
  );
  targets.push(target('history-stale', 'real-history replay: zero stale answers', history('staleAnswers'), '==', 0, 'count', 'over every arm'));
  targets.push(target('history-provider-cache', 'real-history replay: provider-cache savings >= 0', history('providerCacheSavedUsd'), '>=', 0, 'x', 'ledger dollars saved by the provider cache, shipped settings'));
  return targets.filter((candidate): candidate is Target => candidate !== undefined);
}
