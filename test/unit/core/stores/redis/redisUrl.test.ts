import assert from 'node:assert/strict';
import { ConfigError } from '../../../../../src/core/errors';
import { redisUrlWithPassword } from '../../../../../src/core/stores/redis/redisUrl';

describe('redisUrlWithPassword', () => {
  it('leaves the URL alone when there is no password', () => {
    assert.equal(redisUrlWithPassword('redis://127.0.0.1:6379', undefined), 'redis://127.0.0.1:6379');
    assert.equal(redisUrlWithPassword('redis://cache@127.0.0.1:6379/2', ''), 'redis://cache@127.0.0.1:6379/2');
  });

  it('adds the password to the ACL user named in the URL', () => {
    assert.equal(redisUrlWithPassword('redis://cache@127.0.0.1:6379/2', 's3cret'), 'redis://cache:s3cret@127.0.0.1:6379/2');
  });

  it('adds a password for the default user when the URL names none', () => {
    assert.equal(redisUrlWithPassword('rediss://redis.internal:6380', 's3cret'), 'rediss://:s3cret@redis.internal:6380');
  });

  it('percent-encodes characters that would end the password early', () => {
    const url = new URL(redisUrlWithPassword('redis://cache@127.0.0.1:6379', 'p@ss:w/rd%?#'));
    assert.equal(url.username, 'cache');
    assert.equal(decodeURIComponent(url.password), 'p@ss:w/rd%?#');
    assert.equal(url.host, '127.0.0.1:6379');
  });

  it('refuses a URL it cannot parse without repeating it', () => {
    assert.throws(
      () => redisUrlWithPassword('not a url', 'hunter2'),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('hunter2') && !error.message.includes('not a url'),
    );
  });
});
