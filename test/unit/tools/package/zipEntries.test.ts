import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { zipEntries } from '../../../../tools/package/zipEntries';

/** A minimal zip writer (APPNOTE 4.3): each entry stored or deflated, then the central directory. */
function zip(entries: ReadonlyArray<{ name: string; data: Buffer; deflate: boolean }>, comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, deflate } of entries) {
    const body = deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
}

describe('zipEntries', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'zip-entries-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists entries and reads stored and deflated ones, past an archive comment', () => {
    const big = Buffer.from('binary-ish bytes '.repeat(5000));
    const file = join(dir, 'a.zip');
    writeFileSync(
      file,
      zip(
        [
          { name: 'extension/package.json', data: Buffer.from('{"name":"x"}'), deflate: false },
          { name: 'extension/node_modules/x/x.node', data: big, deflate: true },
        ],
        'a comment',
      ),
    );
    const entries = zipEntries(file);
    assert.deepEqual(
      entries.map((entry) => entry.name),
      ['extension/package.json', 'extension/node_modules/x/x.node'],
    );
    assert.equal(entries[0]?.read().toString(), '{"name":"x"}');
    assert.ok(entries[1]?.read().equals(big));
    assert.ok((entries[1]?.compressedSize ?? 0) < big.length);
  });

  it('refuses a file that is not a zip', () => {
    const file = join(dir, 'not.zip');
    writeFileSync(file, Buffer.alloc(100, 7));
    assert.throws(() => zipEntries(file), /not a zip file/);
  });
});
