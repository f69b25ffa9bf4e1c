import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { compressSync } from 'lz4-napi';
import { CODEC_FORMAT_VERSION, COMPRESSION_MIN_BYTES, decodeValue, encodeValue } from '../../../../src/core/codec';
import { CodecError } from '../../../../src/core/errors';
import { seededRandom } from '../../../helpers/seededRandom';

const FLAGS_BYTE = 3;
const HEADER_BYTES = 4;

function isCompressed(frame: Uint8Array): boolean {
  return ((frame[FLAGS_BYTE] ?? 0) & 1) === 1;
}

function roundTrip(value: unknown): unknown {
  return decodeValue(encodeValue(value));
}

const prose =
  'The cache keeps the answer to a workflow until one of its inputs changes. '.repeat(200) +
  'Ünïcödé survives too: 日本語, emoji 🧪, and a trailing sentence.';


function assertOnlyCodecError(bytes: Uint8Array, label: string): void {
  try {
    decodeValue(bytes);
  } catch (error) {
    assert.ok(error instanceof CodecError, `${label}: threw ${String(error)} instead of a CodecError`);
  }
}

describe('value codec', () => {
  describe('round trips', () => {
    it('round-trips nested plain data with Unicode strings, numbers, booleans and null', () => {
      const value = {
        text: 'héllo ✓ 😀 \u0000 end',
        numbers: [0, -1, 1.5, 2 ** 40, -(2 ** 53 - 1), Number.MAX_SAFE_INTEGER, 1e-300],
        flags: { yes: true, no: false, nothing: null },
        nested: { deeper: { deepest: ['a', { b: 'c' }] } },
        empty: { object: {}, array: [], string: '' },
      };
      assert.deepEqual(roundTrip(value), value);
    });

    it('round-trips top-level scalars', () => {
      for (const value of [null, true, false, 0, -7, 3.25, '', 'x', '日本語']) {
        assert.equal(roundTrip(value), value);
      }
    });

    it('round-trips a Uint8Array byte for byte', () => {
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
      const decoded = roundTrip({ bytes }) as { bytes: Uint8Array };
      assert.ok(decoded.bytes instanceof Uint8Array);
      assert.deepEqual([...decoded.bytes], [...bytes]);
    });

    it('round-trips a large compressible value and compresses it', () => {
      const value = { answer: prose, turns: Array.from({ length: 50 }, (_, i) => ({ i, role: 'assistant' })) };
      const frame = encodeValue(value);
      assert.ok(isCompressed(frame));
      assert.ok(frame.length < prose.length / 2, `frame of ${frame.length} bytes for ${prose.length} chars of prose`);
      assert.deepEqual(decodeValue(frame), value);
    });

    it('round-trips a large incompressible value and leaves it uncompressed', () => {
      const noise = new Uint8Array(randomBytes(64 * 1024));
      const frame = encodeValue(noise);
      assert.ok(!isCompressed(frame));
      assert.deepEqual([...(decodeValue(frame) as Uint8Array)], [...noise]);
    });

    it('round-trips binary values from a compressed frame', () => {
      const bytes = new Uint8Array(COMPRESSION_MIN_BYTES).fill(7);
      const frame = encodeValue({ bytes });
      assert.ok(isCompressed(frame));
      assert.deepEqual([...(decodeValue(frame) as { bytes: Uint8Array }).bytes], [...bytes]);
    });

    it('keeps decoded binary values independent of the frame they came from', () => {
      const frame = encodeValue(new Uint8Array([1, 2, 3]));
      const decoded = decodeValue(frame) as Uint8Array;
      decoded[0] = 99;
      assert.deepEqual([...(decodeValue(frame) as Uint8Array)], [1, 2, 3]);
    });

    it('returns frames that stay valid after later encodes', () => {
      const first = encodeValue({ which: 'first', filler: 'a'.repeat(100) });
      encodeValue({ which: 'second', filler: 'b'.repeat(100) });
      assert.deepEqual(decodeValue(first), { which: 'first', filler: 'a'.repeat(100) });
    });

    it('decodes a frame that sits inside a larger buffer', () => {
      const frame = encodeValue({ inside: true });
      const host = new Uint8Array(frame.length + 10);
      host.set(frame, 5);
      assert.deepEqual(decodeValue(host.subarray(5, 5 + frame.length)), { inside: true });
    });

    it('decodes a plain Uint8Array copy of a frame, not only a Buffer', () => {
      const frame = encodeValue(prose);
      assert.equal(decodeValue(new Uint8Array(frame)), prose);
    });
  });

  describe('framing', () => {
    it('starts every frame with the marker and the current format version', () => {
      const frame = encodeValue('x');
      assert.deepEqual([...frame.subarray(0, 3)], [0xc1, 0x43, CODEC_FORMAT_VERSION]);
    });

    it('never tries to compress a value packed below the size threshold', () => {
      const frame = encodeValue('a'.repeat(COMPRESSION_MIN_BYTES - 10));
      assert.ok(!isCompressed(frame));
      // MessagePack heads a string of 256 to 65535 bytes with 3 bytes (str 16), a shorter one with 2.
      const stringHeader = COMPRESSION_MIN_BYTES - 10 > 255 ? 3 : 2;
      assert.equal(frame.length, HEADER_BYTES + stringHeader + COMPRESSION_MIN_BYTES - 10);
    });

    it('stores a value of a few KB uncompressed, however well it would compress', () => {
      const answer = 'A typical answer repeats itself a little. '.repeat(Math.floor(4096 / 42));
      const frame = encodeValue(answer);
      assert.ok(!isCompressed(frame));
      assert.equal(decodeValue(frame), answer);
    });

    it('still decodes small compressed frames written by builds with a lower threshold', () => {
      // Earlier builds compressed from 256 packed bytes on: their frames must stay readable in a shared Redis.
      const value = { text: 'an answer of the size most answers have. '.repeat(100), tokens: 512 };
      const plain = encodeValue(value);
      assert.ok(!isCompressed(plain) && plain.length < COMPRESSION_MIN_BYTES);
      const compressed = compressSync(Buffer.from(plain.subarray(HEADER_BYTES)));
      const older = Buffer.concat([Buffer.from([0xc1, 0x43, CODEC_FORMAT_VERSION, 1]), compressed]);
      assert.ok(older.length < plain.length);
      assert.deepEqual(decodeValue(older), value);
    });

    it('keeps compression only when it saves at least 10 %', () => {
      // Half noise, half repetition: LZ4 saves somewhere near half, well above 10 %.
      const half = Buffer.concat([randomBytes(COMPRESSION_MIN_BYTES / 2), Buffer.alloc(COMPRESSION_MIN_BYTES / 2, 0x61)]);
      const halfFrame = encodeValue(new Uint8Array(half));
      assert.ok(isCompressed(halfFrame));
      // 95 % noise: LZ4 saves under 10 %, so the frame stays uncompressed even though LZ4 shrank it a little.
      const mostlyNoise = Buffer.concat([randomBytes(COMPRESSION_MIN_BYTES - 200), Buffer.alloc(200, 0x61)]);
      const noiseFrame = encodeValue(new Uint8Array(mostlyNoise));
      assert.ok(!isCompressed(noiseFrame));
      assert.equal(noiseFrame.length, HEADER_BYTES + 3 + mostlyNoise.length);
    });

    it('refuses a value it cannot encode with a CodecError', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      assert.throws(() => encodeValue(cyclic), CodecError);
      assert.throws(() => encodeValue(2n ** 80n), { code: 'E_CODEC', message: /cannot encode value/ });
    });
  });

  describe('bad bytes', () => {
    const valid = encodeValue({ hello: 'world', list: [1, 2, 3] });
    const validCompressed = encodeValue(prose);

    it('rejects an empty or header-only input as truncated', () => {
      assert.throws(() => decodeValue(new Uint8Array(0)), { code: 'E_CODEC', message: /truncated/ });
      assert.throws(() => decodeValue(valid.subarray(0, HEADER_BYTES)), { code: 'E_CODEC', message: /truncated/ });
    });

    it('rejects a truncated payload', () => {
      assert.throws(() => decodeValue(valid.subarray(0, valid.length - 3)), CodecError);
      assert.throws(() => decodeValue(validCompressed.subarray(0, validCompressed.length - 20)), CodecError);
      assert.throws(() => decodeValue(validCompressed.subarray(0, HEADER_BYTES + 3)), {
        message: /truncated compressed/,
      });
    });

    it('rejects bytes that are not ours', () => {
      assert.throws(() => decodeValue(Buffer.from('{"json":"from another tool"}')), {
        code: 'E_CODEC',
        message: /not a cache entry/,
      });
      // A bare MessagePack map, as another writer would store it.
      assert.throws(() => decodeValue(new Uint8Array([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x02])), { message: /not a cache entry/ });
    });

    it('rejects a frame from another format version, naming both versions', () => {
      for (const version of [0, CODEC_FORMAT_VERSION + 1, 255]) {
        const other = Uint8Array.from(valid);
        other[2] = version;
        assert.throws(() => decodeValue(other), {
          code: 'E_CODEC',
          message: new RegExp(`version ${version}; this build reads version ${CODEC_FORMAT_VERSION}`),
        });
      }
    });

    it('rejects flags it does not know', () => {
      const other = Uint8Array.from(valid);
      other[3] = 0b10;
      assert.throws(() => decodeValue(other), { message: /unknown flags 0x2/ });
    });

    it('rejects trailing bytes after the value', () => {
      const longer = Buffer.concat([valid, Buffer.from([0x01])]);
      assert.throws(() => decodeValue(longer), CodecError);
    });

    it('rejects a compressed block whose declared length is impossible', () => {
      const lying = Uint8Array.from(validCompressed);
      new DataView(lying.buffer).setUint32(HEADER_BYTES, 0xffffff00, true);
      assert.throws(() => decodeValue(lying), { message: /claims \d+ bytes/ });
    });

    it('rejects a compressed block that decompresses to another length than declared', () => {
      const lying = Uint8Array.from(validCompressed);
      const view = new DataView(lying.buffer);
      view.setUint32(HEADER_BYTES, view.getUint32(HEADER_BYTES, true) - 1, true);
      assert.throws(() => decodeValue(lying), CodecError);
    });

    it('rejects a compressed block LZ4 cannot read', () => {
      const garbage = Buffer.concat([validCompressed.subarray(0, HEADER_BYTES + 4), Buffer.alloc(64, 0xff)]);
      assert.throws(() => decodeValue(garbage), { code: 'E_CODEC', message: /corrupt compressed/ });
    });
  });

  describe('fuzz', () => {
    it('throws nothing but CodecError for random bytes, with or without a valid header', () => {
      const random = seededRandom(0xc0dec);
      for (let i = 0; i < 3000; i++) {
        const length = Math.floor(random() * 300);
        const bytes = new Uint8Array(length);
        for (let j = 0; j < length; j++) bytes[j] = Math.floor(random() * 256);
        assertOnlyCodecError(bytes, `random #${i}`);
        if (length >= HEADER_BYTES) {
          bytes.set([0xc1, 0x43, CODEC_FORMAT_VERSION, i % 2]);
          assertOnlyCodecError(bytes, `random with header #${i}`);
        }
      }
    });

    it('throws nothing but CodecError for random mutations of valid frames', () => {
      const random = seededRandom(42);
      const samples = [
        encodeValue({ hello: 'world', list: [1, 2, 3], nested: { ok: true, bytes: new Uint8Array([1, 2]) } }),
        encodeValue(prose),
        encodeValue({ turns: Array.from({ length: 40 }, (_, i) => ({ i, text: `turn ${i} of the chat` })) }),
      ];
      assert.ok(samples.some(isCompressed) && samples.some((s) => !isCompressed(s)));
      for (let i = 0; i < 3000; i++) {
        const source = samples[i % samples.length]!;
        const mutated = Uint8Array.from(source);
        const edits = 1 + Math.floor(random() * 4);
        for (let e = 0; e < edits; e++) {
          // Mutations after the header most of the time: the header checks are covered above.
          const at = HEADER_BYTES + Math.floor(random() * (mutated.length - HEADER_BYTES));
          mutated[at] = Math.floor(random() * 256);
        }
        const cut = random() < 0.3 ? Math.floor(random() * mutated.length) : mutated.length;
        assertOnlyCodecError(mutated.subarray(0, cut), `mutation #${i}`);
      }
    });
  });
});
