import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { FLAG_LZ4 } from '../../../../src/core/codec/frame';
import { objectReader, resolveConfig } from '../../../../src/core/config';
import { CacheEngine } from '../../../../src/core/engine';
import { CodecError } from '../../../../src/core/errors';
import { createLogger } from '../../../../src/core/logger';
import {
  loadSurrealNode,
  lz4Binding,
  lz4Unavailable,
  NativeModuleUnavailableError,
  replaceNativeLoaders,
  runtimePlatform,
} from '../../../../src/core/native/nativeModules';

// What a machine without a usable binary sees: napi-rs loaders throw this kind of error from require().
const missingBinary = (module: string) => (): never => {
  throw new Error(`Cannot find native binding for ${module} on ${runtimePlatform()}`);
};

/** A value big and repetitive enough that the codec compresses it when it can. */
const compressible = { text: 'the same sentence again and again. '.repeat(400) };

describe('without a native module on this machine', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('loads lz4-napi normally (the control: the real binary is here)', () => {
    assert.ok(lz4Binding());
    assert.equal(lz4Unavailable(), undefined);
    assert.equal((encodeValue(compressible)[3] ?? 0) & FLAG_LZ4, FLAG_LZ4);
  });

  it('stores values uncompressed when lz4-napi cannot load, and they read back', () => {
    restore = replaceNativeLoaders({ lz4: missingBinary('lz4-napi') });
    const frame = encodeValue(compressible);
    assert.equal((frame[3] ?? 0) & FLAG_LZ4, 0, 'no LZ4 flag');
    assert.deepEqual(decodeValue(frame), compressible);
    const failure = lz4Unavailable();
    assert.ok(failure instanceof NativeModuleUnavailableError);
    assert.equal(failure.code, 'E_NATIVE_MODULE');
    assert.match(failure.message, new RegExp(`^lz4-napi cannot be loaded on ${runtimePlatform()}`));
    assert.match(failure.message, /stored uncompressed/);
  });

  it('reads a compressed entry another machine wrote as a codec error naming lz4-napi, not a crash', () => {
    const written = encodeValue(compressible); // compressed with the real binary
    restore = replaceNativeLoaders({ lz4: missingBinary('lz4-napi') });
    assert.throws(
      () => decodeValue(written),
      (error: unknown) => error instanceof CodecError && /lz4-napi cannot be loaded on/.test(error.message),
    );
  });

  it('names @surrealdb/node and the platform when the embedded engine cannot load', async () => {
    restore = replaceNativeLoaders({ surrealNode: async () => missingBinary('@surrealdb/node')() });
    await assert.rejects(loadSurrealNode(), (error: unknown) => {
      assert.ok(error instanceof NativeModuleUnavailableError);
      assert.equal(error.module, '@surrealdb/node');
      assert.equal(error.platform, runtimePlatform());
      return true;
    });
  });

  describe('the engine', function () {
    this.timeout(60_000);
    let storage: string;
    let engine: CacheEngine | undefined;
    beforeEach(async () => (storage = await mkdtemp(join(tmpdir(), 'native-fallback-'))));
    afterEach(async () => {
      await engine?.close();
      engine = undefined;
      await rm(storage, { recursive: true, force: true });
    });

    it('opens with the tiers it can, warning about each missing binary by module and platform', async () => {
      restore = replaceNativeLoaders({
        lz4: missingBinary('lz4-napi'),
        surrealNode: async () => missingBinary('@surrealdb/node')(),
      });
      const lines: string[] = [];
      const { config } = resolveConfig(
        objectReader({ apiBaseUrl: 'http://127.0.0.1:9', storageDir: storage, 'surreal.url': 'mem://' }),
      );
      engine = await CacheEngine.open({
        config,
        apiKey: 'test-key',
        logger: createLogger((level, message) => lines.push(`${level}: ${message}`)),
      });
      const surreal = engine.openings.find((opening) => opening.tier === 'surreal');
      assert.equal(surreal?.status, 'failed');
      assert.equal(engine.openings.find((opening) => opening.tier === 'memory')?.status, 'up');
      const warnings = lines.filter((line) => line.startsWith('warn'));
      const platform = runtimePlatform();
      assert.ok(
        warnings.some((line) => line.includes(`@surrealdb/node cannot be loaded on ${platform}`)),
        warnings.join('\n'),
      );
      assert.ok(warnings.some((line) => line.includes(`lz4-napi cannot be loaded on ${platform}`)), warnings.join('\n'));
    });
  });
});
