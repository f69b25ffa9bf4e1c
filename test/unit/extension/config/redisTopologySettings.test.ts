import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, configFromEnvironment, objectReader, parseRedisNodeAddress, resolveConfig } from '../../../../src/core/config';
import { trustAwareReader } from '../../../../src/extension/config/settingsConfig';

describe('Redis topology settings', () => {
  it('default to standalone with no nodes and the conventional sentinel group name', () => {
    assert.equal(DEFAULT_CONFIG.redis.mode, 'standalone');
    assert.deepEqual(DEFAULT_CONFIG.redis.nodes, []);
    assert.equal(DEFAULT_CONFIG.redis.sentinelName, 'mymaster');
  });

  it('accept a cluster of host:port seeds, IPv6 in brackets, trimmed', () => {
    const { config, problems } = resolveConfig(
      objectReader({ 'redis.mode': 'cluster', 'redis.nodes': [' 10.0.0.5:7000', 'cache-1.internal:7001', '[::1]:7002'] }),
    );
    assert.deepEqual(problems, []);
    assert.equal(config.redis.mode, 'cluster');
    assert.deepEqual(config.redis.nodes, ['10.0.0.5:7000', 'cache-1.internal:7001', '[::1]:7002']);
  });

  it('read mode and comma-separated nodes from the environment, as CI sets them', () => {
    const { config, problems } = resolveConfig(
      configFromEnvironment({ CLAUDE_CACHE_REDIS_MODE: 'sentinel', CLAUDE_CACHE_REDIS_NODES: '127.0.0.1:26379, 127.0.0.1:26380' }),
    );
    assert.deepEqual(problems, []);
    assert.equal(config.redis.mode, 'sentinel');
    assert.deepEqual(config.redis.nodes, ['127.0.0.1:26379', '127.0.0.1:26380']);
  });

  it('refuse an unknown mode and fall back to standalone', () => {
    const { config, problems } = resolveConfig(objectReader({ 'redis.mode': 'sharded' }));
    assert.equal(config.redis.mode, 'standalone');
    assert.equal(
      problems[0]?.message,
      'claudeCache.redis.mode is "sharded", not one of standalone, cluster, sentinel; using the default "standalone".',
    );
  });

  const badNodes: Array<[unknown, RegExp]> = [
    [{ seed: '10.0.0.5:7000' }, /not an array/],
    [['redis://10.0.0.5:7000'], /item 0 "redis:\/\/10\.0\.0\.5:7000" is a URL; write host:port without the scheme/],
    [['10.0.0.5'], /item 0 "10\.0\.0\.5" is not host:port \(e\.g\. 10\.0\.0\.5:7000/],
    [['a:1', 'b:0'], /item 1 "b:0" is not host:port: the port is not a number from 1 to 65535/],
    [['a:70000'], /the port is not a number from 1 to 65535/],
    [['bad_host!:7000'], /the host is not a host name/],
    [['[zz]:7000'], /the host is not a host name/],
    [['a:1', 'a:1'], /item 1 "a:1" is listed twice/],
    [[7000], /item 0 is not a "host:port" string/],
    [Array.from({ length: 65 }, (_, i) => `n${i}:7000`), /more than 64 nodes/],
  ];
  for (const [value, reason] of badNodes) {
    it(`refuse redis.nodes ${JSON.stringify(value).slice(0, 40)} with a clear reason and keep none`, () => {
      const { config, problems } = resolveConfig(objectReader({ 'redis.nodes': value }));
      assert.deepEqual(config.redis.nodes, []);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!.message, /^claudeCache\.redis\.nodes is /);
      assert.match(problems[0]!.message, reason);
      assert.match(problems[0]!.message, /using the default \[\]\.$/);
    });
  }

  it('refuse a sentinel group name with spaces', () => {
    const { config, problems } = resolveConfig(objectReader({ 'redis.sentinelName': 'my master' }));
    assert.equal(config.redis.sentinelName, 'mymaster');
    assert.match(problems[0]!.message, /not a master group name/);
  });

  it('parse a node address into host and port', () => {
    assert.deepEqual(parseRedisNodeAddress('127.0.0.1:6379'), { host: '127.0.0.1', port: 6379 });
    assert.deepEqual(parseRedisNodeAddress('[::1]:6379'), { host: '::1', port: 6379 });
  });

  it("take only the user's topology in an untrusted workspace, so a workspace cannot send the cache elsewhere", () => {
    const workspace = objectReader({ 'redis.mode': 'cluster', 'redis.nodes': ['evil.example:7000'], 'redis.sentinelName': 'evil' });
    const user = objectReader({ 'redis.url': 'redis://cache.corp:6379' });
    const { config } = resolveConfig(trustAwareReader(workspace, user, false));
    assert.deepEqual(
      { mode: config.redis.mode, nodes: config.redis.nodes, sentinelName: config.redis.sentinelName },
      { mode: 'standalone', nodes: [], sentinelName: 'mymaster' },
    );
  });
});
