import assert from 'node:assert/strict';
import { replayText, splitIntoChunks } from '../../../../src/core/claude/replayText';

// A cached answer of several MiB must replay in time linear in its size. The limits below are mocha timeouts,
// generous for linear code (well under a second on a laptop) and far beyond reach of the quadratic search that
// took 197 s for 5 MiB without whitespace.

const FIVE_MIB = 5 * 1024 * 1024;
const CHUNK = 48;

/** Chunks re-join to the text, none is empty or longer than the limit, and none ends inside a surrogate pair. */
function assertWellFormed(text: string, chunks: readonly string[], chunkChars: number): void {
  assert.equal(chunks.join(''), text);
  for (const [index, chunk] of chunks.entries()) {
    assert.ok(chunk.length > 0 && chunk.length <= chunkChars, `chunk ${index} has ${chunk.length} characters`);
    const last = chunk.charCodeAt(chunk.length - 1);
    assert.ok(!(last >= 0xd800 && last <= 0xdbff), `chunk ${index} ends inside a surrogate pair`);
  }
}

describe('replaying long answers', () => {
  it('splits 5 MiB without whitespace into full chunks', function () {
    this.timeout(5_000);
    const text = 'x'.repeat(FIVE_MIB);
    const chunks = splitIntoChunks(text, CHUNK);
    assertWellFormed(text, chunks, CHUNK);
    assert.equal(chunks.length, Math.ceil(FIVE_MIB / CHUNK));
  });

  it('splits 5 MiB of words with no newline at spaces', function () {
    this.timeout(5_000);
    const text = 'cache '.repeat(Math.ceil(FIVE_MIB / 6));
    const chunks = splitIntoChunks(text, CHUNK);
    assertWellFormed(text, chunks, CHUNK);
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.endsWith(' ')), 'every chunk but the last ends after a space');
  });

  it('splits 5 MiB of lines with no space at newlines, and long emoji runs between surrogate pairs', function () {
    this.timeout(5_000);
    const lines = 'a-line-of-code;\n'.repeat(FIVE_MIB / 16);
    const lineChunks = splitIntoChunks(lines, CHUNK);
    assertWellFormed(lines, lineChunks, CHUNK);
    assert.ok(lineChunks.slice(0, -1).every((chunk) => chunk.endsWith('\n')));
    const emoji = '😀'.repeat(FIVE_MIB / 4);
    assertWellFormed(emoji, splitIntoChunks(emoji, CHUNK), CHUNK);
  });

  it('breaks only after whitespace in the second half of a chunk, as before', () => {
    assert.deepEqual(splitIntoChunks('aaaaa bbbbbbbbbb', 8), ['aaaaa ', 'bbbbbbbb', 'bb']);
    // A space in the first half is too early to break at.
    assert.deepEqual(splitIntoChunks('aa bbbbbbbbbbbbb', 8), ['aa bbbbb', 'bbbbbbbb']);
    assert.deepEqual(splitIntoChunks('aaa\nbbbbbbb', 8), ['aaa\nbbbb', 'bbb']);
    assert.deepEqual(splitIntoChunks('aaaa\nbbbbbbb', 8), ['aaaa\n', 'bbbbbbb']);
    assert.deepEqual(splitIntoChunks('abc def ghi', 100), ['abc def ghi']);
  });

  for (const [label, text] of [
    ['without whitespace', 'y'.repeat(FIVE_MIB)],
    ['with whitespace', 'a cached answer '.repeat(FIVE_MIB / 16)],
  ] as const) {
    it(`replays a 5 MiB answer ${label} through onText exactly`, async function () {
      this.timeout(30_000);
      const received: string[] = [];
      await replayText(text, (chunk) => received.push(chunk));
      assert.equal(received.length > 1, true);
      assertWellFormed(text, received, CHUNK);
    });
  }
});
