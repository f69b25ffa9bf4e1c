import assert from 'node:assert/strict';
import { redisClientOptions } from '../../../../../src/core/stores/redis/redisClientOptions';

describe('redisClientOptions', () => {
  const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('trusts the given CA for a rediss:// server', () => {
    assert.deepEqual(redisClientOptions({ tlsCa: CA }, 'rediss://cache@redis.internal:6380').tls, { ca: CA });
  });

  it('never turns a plain redis:// connection into TLS because a CA was given', () => {
    assert.equal(redisClientOptions({ tlsCa: CA }, 'redis://127.0.0.1:6379').tls, undefined);
  });

  it('leaves TLS to the URL when no CA is given', () => {
    assert.equal(redisClientOptions({}, 'rediss://redis.internal:6380').tls, undefined);
  });

  it('fails fast while Redis is away and backs off up to the cap', () => {
    const options = redisClientOptions({ maxReconnectDelayMs: 1_000 });
    assert.equal(options.enableOfflineQueue, false);
    assert.equal(options.retryStrategy?.(1), 100);
    assert.equal(options.retryStrategy?.(50), 1_000);
  });
});
