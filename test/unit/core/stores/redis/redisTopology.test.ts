import assert from 'node:assert/strict';
import Redis, { Cluster } from 'ioredis';
import { DEFAULT_CONFIG, type CacheConfig } from '../../../../../src/core/config';
import { createRedisClient, duplicateRedisClient, scanTargets } from '../../../../../src/core/stores/redis/redisClients';
import { describeTopology, redisTopologyFromConfig } from '../../../../../src/core/stores/redis/redisTopology';

function redis(overrides: Partial<CacheConfig['redis']>): CacheConfig['redis'] {
  return { ...DEFAULT_CONFIG.redis, ...overrides };
}

describe('Redis topology', () => {
  describe('from the settings', () => {
    it('is off in standalone mode without a URL, and the URL with the password put in otherwise', () => {
      assert.equal(redisTopologyFromConfig(redis({}), 'pw'), undefined);
      assert.deepEqual(redisTopologyFromConfig(redis({ url: 'redis://alice@10.0.0.1:6379' }), 'p@ss'), {
        topology: { mode: 'standalone', url: 'redis://alice:p%40ss@10.0.0.1:6379' },
      });
    });

    it('takes cluster seeds from redis.nodes, and TLS and the user from the URL, the password from secrets', () => {
      const found = redisTopologyFromConfig(
        redis({ mode: 'cluster', url: 'rediss://cache-bot@ignored:1', nodes: ['10.0.0.1:7000', '[::1]:7001'] }),
        'secret',
      );
      assert.deepEqual(found, {
        topology: {
          mode: 'cluster',
          nodes: [
            { host: '10.0.0.1', port: 7000 },
            { host: '::1', port: 7001 },
          ],
          access: { tls: true, username: 'cache-bot', password: 'secret' },
        },
      });
    });

    it("uses the URL's host as the only cluster seed when redis.nodes is empty", () => {
      const found = redisTopologyFromConfig(redis({ mode: 'cluster', url: 'redis://10.0.0.9' }), undefined);
      assert.deepEqual(found, { topology: { mode: 'cluster', nodes: [{ host: '10.0.0.9', port: 6379 }], access: {} } });
    });

    it('names the missing setting when a cluster or sentinel has no servers', () => {
      assert.deepEqual(redisTopologyFromConfig(redis({ mode: 'cluster' }), undefined), {
        problem: 'claudeCache.redis.mode is cluster but no seed node is set (claudeCache.redis.nodes)',
      });
      assert.deepEqual(redisTopologyFromConfig(redis({ mode: 'sentinel', url: 'redis://10.0.0.9' }), undefined), {
        problem: 'claudeCache.redis.mode is sentinel but no sentinel is set (claudeCache.redis.nodes)',
      });
    });

    it('asks sentinels for the named master, on the database of the URL', () => {
      const found = redisTopologyFromConfig(
        redis({ mode: 'sentinel', url: 'redis://10.0.0.9/3', nodes: ['10.0.0.1:26379'], sentinelName: 'cache' }),
        undefined,
      );
      assert.deepEqual(found, {
        topology: { mode: 'sentinel', sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'cache', access: { db: 3 } },
      });
      assert.match(
        JSON.stringify(redisTopologyFromConfig(redis({ mode: 'sentinel', url: 'redis://h/x', nodes: ['a:1'] }), undefined)),
        /names no database number/,
      );
    });
  });

  it('describes each topology without its password', () => {
    assert.equal(describeTopology({ mode: 'standalone', url: 'redis://u:pw@h:1' }), 'redis://***@h:1');
    assert.equal(
      describeTopology({ mode: 'cluster', nodes: [{ host: 'a', port: 1 }, { host: '::1', port: 2 }], access: { tls: true, password: 'pw' } }),
      'cluster via a:1, [::1]:2 (TLS)',
    );
    assert.equal(
      describeTopology({ mode: 'sentinel', sentinels: [{ host: 's', port: 26379 }], name: 'mymaster', access: { password: 'pw' } }),
      'sentinel master "mymaster" via s:26379',
    );
  });

  describe('clients (built, never connected)', () => {
    it('builds a Cluster whose node connections log in as the topology says and fail fast', () => {
      const client = createRedisClient(
        { mode: 'cluster', nodes: [{ host: '127.0.0.1', port: 7000 }], access: { username: 'u', password: 'pw', tls: true } },
        { tlsCa: 'PEM', commandTimeoutMs: 300 },
      );
      assert.ok(client instanceof Cluster);
      assert.equal(client.status, 'wait');
      assert.equal(client.options.enableOfflineQueue, false);
      assert.equal(client.options.scaleReads, 'master');
      assert.equal(client.options.redisOptions?.username, 'u');
      assert.equal(client.options.redisOptions?.password, 'pw');
      assert.deepEqual(client.options.redisOptions?.tls, { ca: 'PEM' });
      assert.equal(client.options.redisOptions?.socketTimeout, 300);
      assert.deepEqual(scanTargets(client), [], 'no masters known before connecting');
      const duplicate = duplicateRedisClient(client);
      assert.ok(duplicate instanceof Cluster);
      client.disconnect();
      duplicate.disconnect();
    });

    it('builds one connection that asks the sentinels, without sending them the password', () => {
      const client = createRedisClient(
        { mode: 'sentinel', sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'cache', access: { password: 'pw', tls: true, db: 2 } },
        {},
        { enableAutoPipelining: false },
      );
      assert.ok(client instanceof Redis);
      assert.deepEqual(client.options.sentinels, [{ host: '127.0.0.1', port: 26379 }]);
      assert.equal(client.options.name, 'cache');
      assert.equal(client.options.password, 'pw');
      assert.equal(client.options.sentinelPassword, undefined);
      assert.equal(client.options.db, 2);
      assert.equal(client.options.enableTLSForSentinelMode, true);
      assert.equal(client.options.enableAutoPipelining, false);
      assert.deepEqual(scanTargets(client), [client]);
      const duplicate = duplicateRedisClient(client);
      assert.ok(duplicate instanceof Redis);
      assert.equal(duplicate.options.autoResubscribe, false);
      client.disconnect();
      duplicate.disconnect();
    });
  });
});
