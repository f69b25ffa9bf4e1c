import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { EncryptingCodec, SEALED_OVERHEAD_BYTES } from '../../../../src/core/codec/encryptingCodec';
import { CodecError } from '../../../../src/core/errors';
import { createLogger } from '../../../../src/core/logger';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import type { Store } from '../../../../src/core/stores/store';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';
import type { LookupStatus } from '../../../../src/core/tiered/tierTypes';
import {
  containsSecret,
  EncryptionKeyError,
  findSecrets,
  parseEncryptionKey,
  redactingLogger,
  redactSecrets,
  valueContainsSecret,
} from '../../../../src/core/security';
import { sharedTiers } from '../../../helpers/sharedTiers';

const plainCodec = { encode: encodeValue, decode: decodeValue };
const PLANTED = 'sk-ant-test-PLANTED0123456789abcdef';

describe('parseEncryptionKey', () => {
  const key = randomBytes(32);

  it('reads 64 hex digits', () => {
    assert.deepEqual(parseEncryptionKey(key.toString('hex')), key);
  });

  it('reads standard and URL-safe base64, with or without padding, around whitespace', () => {
    assert.deepEqual(parseEncryptionKey(` ${key.toString('base64')}\n`), key);
    assert.deepEqual(parseEncryptionKey(key.toString('base64url')), key);
  });

  it('refuses a key of the wrong length, an empty one and one that is neither form, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    assert.throws(() => parseEncryptionKey(short), (error: unknown) => {
      assert.ok(error instanceof EncryptionKeyError);
      assert.equal(error.code, 'E_ENCRYPTION_KEY');
      assert.match(error.message, /16 bytes; AES-256 needs 32/);
      assert.ok(!error.message.includes(short));
      return true;
    });
    assert.throws(() => parseEncryptionKey('   '), /is empty/);
    const odd = 'not a key! ' + key.toString('hex');
    assert.throws(() => parseEncryptionKey(odd), (error: unknown) => {
      assert.match((error as Error).message, /neither 64 hex digits nor base64/);
      assert.ok(!(error as Error).message.includes(key.toString('hex')));
      return true;
    });
  });
});

describe('EncryptingCodec', () => {
  const key = randomBytes(32);
  const codec = new EncryptingCodec(plainCodec, key);
  const value = { text: 'function secretSauce() { return 42; }', tokens: [1, 2, 3], blob: Buffer.from([9, 8, 7]) };

  it('round-trips a value through AES-256-GCM', () => {
    assert.deepEqual(codec.decode(codec.encode(value)), value);
  });

  it('holds no readable plaintext and uses a fresh IV each time', () => {
    const a = Buffer.from(codec.encode(value));
    const b = Buffer.from(codec.encode(value));
    assert.ok(!a.includes('secretSauce'));
    assert.notDeepEqual(a, b);
    assert.equal(a.length, encodeValue(value).length + SEALED_OVERHEAD_BYTES);
  });

  it('reads a value sealed with another key as a CodecError, never as garbage', () => {
    const other = new EncryptingCodec(plainCodec, randomBytes(32));
    assert.throws(() => other.decode(codec.encode(value)), (error: unknown) => {
      assert.ok(error instanceof CodecError);
      assert.match(error.message, /another key/);
      return true;
    });
  });

  it('refuses a value written without encryption', () => {
    assert.throws(() => codec.decode(encodeValue(value)), /written without encryption/);
  });

  it('refuses bytes that are not ours, truncated, of another version, or tampered with', () => {
    const sealed = Buffer.from(codec.encode(value));
    assert.throws(() => codec.decode(Buffer.from('hello world, plain text')), /not an encrypted cache entry/);
    assert.throws(() => codec.decode(new Uint8Array()), /not an encrypted cache entry/);
    assert.throws(() => codec.decode(sealed.subarray(0, SEALED_OVERHEAD_BYTES)), /truncated/);
    const version = Buffer.from(sealed);
    version[2] = 99;
    assert.throws(() => codec.decode(version), /format version 99/);
    for (const at of [3, 8, 25, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] = (tampered[at] ?? 0) ^ 0xff;
      assert.throws(() => codec.decode(tampered), CodecError, `byte ${at}`);
    }
    assert.throws(() => codec.decode(sealed.subarray(0, sealed.length - 1)), /failed authentication/);
  });

  it('refuses a key that is not 32 bytes', () => {
    assert.throws(() => new EncryptingCodec(plainCodec, randomBytes(31)), EncryptionKeyError);
  });
});

describe('findSecrets', () => {
  const samples: Array<[string, string]> = [
    ['private-key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----'],
    ['private-key', 'cut off: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk'],
    ['anthropic-key', `key is ${PLANTED} ok`],
    ['aws-access-key', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws-secret-key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['github-token', `token ghp_${'a'.repeat(36)}`],
    ['github-token', `github_pat_${'B1_'.repeat(10)}`],
    ['password', 'db password=hunter2-really'],
    ['password', 'API_KEY: "abc def"'],
    ['password', 'DB_PASSWORD=s3cr3t!'],
    ['password', 'smtp:\n  password: hunter2'],
  ];
  for (const [kind, text] of samples) {
    it(`finds a ${kind} in ${JSON.stringify(text.slice(0, 30))}`, () => {
      const findings = findSecrets(text);
      assert.ok(findings.some((finding) => finding.kind === kind), JSON.stringify(findings));
      assert.equal(containsSecret(text), true);
    });
  }

  it('finds nothing in ordinary code and prose', () => {
    for (const text of [
      'const password = getPassword();',
      'private readonly apiKey: string;',
      'this.apiKey = options.apiKey;',
      'if (secret === other) return;',
      '{ password: options.surrealPassword }',
      'password_hash = digest(x1)',
      'function add(a, b) { return a + b; }',
      'Explain the selected code, please.',
      'ask-ant-tastic and sk-ant- alone',
      '',
    ]) {
      assert.deepEqual(findSecrets(text), [], text);
    }
  });

  it('merges overlapping findings and keeps them in order', () => {
    const text = `password=${PLANTED} then AKIAIOSFODNN7EXAMPLE`;
    const findings = findSecrets(text);
    assert.equal(findings.length, 2);
    assert.ok((findings[0]?.end ?? 0) <= (findings[1]?.start ?? 0));
  });
});

describe('redactSecrets', () => {
  it('replaces each secret with a marker naming its kind and keeps the rest', () => {
    assert.equal(redactSecrets(`use ${PLANTED} here`), 'use [REDACTED:anthropic-key] here');
    assert.equal(redactSecrets('password="a b c" next'), 'password=[REDACTED:password] next');
    assert.equal(redactSecrets('nothing here'), 'nothing here');
    const block = 'x\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\ny';
    assert.equal(redactSecrets(block), 'x\n[REDACTED:private-key]\ny');
  });
});

describe('valueContainsSecret', () => {
  it('looks into nested objects and arrays, not into bytes', () => {
    assert.equal(valueContainsSecret({ parts: [{ text: 'fine' }, { text: `k=${PLANTED}` }] }), true);
    assert.equal(valueContainsSecret({ parts: [{ text: 'fine' }], n: 3, b: new Uint8Array([1]), z: null }), false);
    assert.equal(valueContainsSecret('AKIAIOSFODNN7EXAMPLE'), true);
  });

  it('answers yes (the safe side) when a value is too large to inspect', () => {
    assert.equal(valueContainsSecret(Array.from({ length: 50 }, () => 'x'), 10), true);
  });
});

describe('redactingLogger', () => {
  it('redacts likely and known secrets from every level and from children', () => {
    const lines: string[] = [];
    const inner = createLogger((level, message) => lines.push(`${level} ${message}`));
    const known = 'my-own-api-key-value';
    const logger = redactingLogger(inner, () => [known, 'short']).child('pipeline');
    logger.trace(`prompt: ${PLANTED}`);
    logger.debug(`key ${known} used`);
    logger.info('password=hunter22');
    logger.warn('-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----');
    logger.error('short words stay');
    assert.deepEqual(lines, [
      'trace [pipeline] prompt: [REDACTED:anthropic-key]',
      'debug [pipeline] key [REDACTED] used',
      'info [pipeline] password=[REDACTED:password]',
      'warn [pipeline] [REDACTED:private-key]',
      'error [pipeline] short words stay',
    ]);
  });
});

describe('TieredCache sharedTiers option', () => {
  const perLayer = <T>(value: T) => ({ prompt: value, module: value, context: value, result: value });

  async function cacheOver(writeMode: 'write-through' | 'write-behind') {
    // A second MemoryStore stands in for Redis: it only has to hold bytes.
    const shared = new MemoryStore({ budgets: perLayer(1 << 20) });
    const cache = await TieredCache.create({
      memory: new MemoryStore({ budgets: perLayer(1 << 20) }),
      shared: sharedTiers({ redis: shared as unknown as Store<Uint8Array> }),
      codec: plainCodec,
      layers: perLayer({ ttlMs: 60_000, maxEntryBytes: 1 << 20 }),
      writeMode,
    });
    return { cache, shared };
  }

  for (const writeMode of ['write-through', 'write-behind'] as const) {
    it(`keeps a value in memory only when told so (${writeMode})`, async () => {
      const { cache, shared } = await cacheOver(writeMode);
      const status: LookupStatus = {};
      await cache.set('result', 'private', 'p', { sharedTiers: false, status });
      assert.equal(status.memoryOnly, true);
      await cache.getOrCompute('result', 'by-rule', () => `x ${PLANTED}`, { sharedTiers: (value) => !containsSecret(value) });
      await cache.getOrCompute('result', 'public', () => 'fine', { sharedTiers: (value) => !containsSecret(value) });
      await cache.set('result', 'default', 'd');
      await cache.flush();
      assert.equal((await cache.get('result', 'private'))?.value, 'p', 'memory still holds it');
      assert.equal((await cache.get('result', 'by-rule'))?.tier, 'memory');
      assert.equal(await shared.get('result', 'private'), undefined);
      assert.equal(await shared.get('result', 'by-rule'), undefined);
      assert.ok(await shared.get('result', 'public'));
      assert.ok(await shared.get('result', 'default'));
      await cache.close();
    });
  }
});
