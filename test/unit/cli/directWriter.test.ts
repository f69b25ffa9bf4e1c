import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { directWriter } from '../../../src/cli/directWriter';

describe('directWriter (the CLI writing its output)', () => {
  it('writes text to the descriptor, non-ASCII included, without touching the stream', () => {
    const dir = mkdtempSync(join(tmpdir(), 'direct-writer-'));
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    try {
      const write = directWriter(fd, () => assert.fail('the stream is not needed'));
      write('naïve ');
      write('résumé ✓\n');
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(file, 'utf8'), 'naïve résumé ✓\n');
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the rest to the stream, and everything after, once the descriptor would block', () => {
    const written: Buffer[] = [];
    let calls = 0;
    // The first call writes 3 bytes, the next would block.
    const fakeWrite = (_fd: number, bytes: Uint8Array, offset: number): number => {
      calls += 1;
      if (calls === 1) {
        written.push(Buffer.from(bytes.subarray(offset, offset + 3)));
        return 3;
      }
      throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    };
    const stream = new PassThrough();
    const streamed: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => streamed.push(chunk));
    const write = directWriter(1, () => stream, fakeWrite);
    write('abcdef');
    write('gh');
    assert.equal(Buffer.concat(written).toString(), 'abc');
    assert.equal(Buffer.concat(streamed).toString(), 'defgh');
    assert.equal(calls, 2, 'no direct write after the first EAGAIN');
  });

  it('fails a write whose reader is gone', () => {
    const write = directWriter(1, () => assert.fail('no fallback for EPIPE'), () => {
      throw Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' });
    });
    assert.throws(() => write('x'), { code: 'EPIPE' });
  });
});
