import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../../tools/common/paths';
import { binaryMismatch, binaryPlatform } from '../../../../tools/package/nativeBinaryHeader';
import { parseTarget } from '../../../../tools/package/platformTarget';

function elf(machine: number): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.writeUInt32BE(0x7f454c46, 0);
  bytes[4] = 2; // ELFCLASS64
  bytes[5] = 1; // little-endian
  bytes.writeUInt16LE(machine, 18);
  return bytes;
}

function machO(cputype: number): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.writeUInt32LE(0xfeedfacf, 0);
  bytes.writeUInt32LE(cputype, 4);
  return bytes;
}

function pe(machine: number): Buffer {
  const bytes = Buffer.alloc(256);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.writeUInt32BE(0x50450000, 0x80);
  bytes.writeUInt16LE(machine, 0x84);
  return bytes;
}

function head(file: string, length = 4096): Buffer {
  const bytes = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    return bytes.subarray(0, readSync(fd, bytes, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

describe('native binary headers', () => {
  it('reads the CPU of ELF, Mach-O and PE files', () => {
    assert.deepEqual(binaryPlatform(elf(62)), { format: 'elf', os: 'linux', cpus: ['x64'] });
    assert.deepEqual(binaryPlatform(elf(183))?.cpus, ['arm64']);
    assert.deepEqual(binaryPlatform(elf(40))?.cpus, ['arm']);
    assert.deepEqual(binaryPlatform(machO(0x0100000c)), { format: 'mach-o', os: 'darwin', cpus: ['arm64'] });
    assert.deepEqual(binaryPlatform(machO(0x01000007))?.cpus, ['x64']);
    assert.deepEqual(binaryPlatform(pe(0x8664)), { format: 'pe', os: 'win32', cpus: ['x64'] });
    assert.deepEqual(binaryPlatform(pe(0xaa64))?.cpus, ['arm64']);
    assert.equal(binaryPlatform(Buffer.alloc(64)), undefined);
  });

  it('reads every CPU of a universal Mach-O', () => {
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    assert.deepEqual(binaryPlatform(fat)?.cpus, ['x64', 'arm64']);
    assert.equal(binaryMismatch(fat, parseTarget('darwin-arm64')), undefined);
  });

  it('says why a binary does not fit a target', () => {
    assert.equal(binaryMismatch(elf(62), parseTarget('linux-x64')), undefined);
    assert.equal(binaryMismatch(elf(62), parseTarget('alpine-x64')), undefined);
    assert.match(binaryMismatch(elf(183), parseTarget('linux-x64')) ?? '', /built for arm64, the target is x64/);
    assert.match(binaryMismatch(elf(62), parseTarget('win32-x64')) ?? '', /elf binary \(linux\), the target is win32/);
    assert.match(binaryMismatch(pe(0x8664), parseTarget('win32-arm64')) ?? '', /built for x64/);
    assert.match(binaryMismatch(Buffer.alloc(64), parseTarget('linux-x64')) ?? '', /not an ELF/);
  });

  it('agrees with the platform in the names of @surrealdb/node binaries (all platforms ship in its package)', () => {
    const dist = join(repoRoot(), 'node_modules', '@surrealdb', 'node', 'dist');
    const files = readdirSync(dist).filter((name) => name.endsWith('.node'));
    assert.ok(files.length >= 8, files.join(', '));
    const targetOf: Record<string, string> = {
      'darwin-arm64': 'darwin-arm64',
      'darwin-x64': 'darwin-x64',
      'linux-arm64-gnu': 'linux-arm64',
      'linux-arm64-musl': 'alpine-arm64',
      'linux-x64-gnu': 'linux-x64',
      'linux-x64-musl': 'alpine-x64',
      'win32-arm64-msvc': 'win32-arm64',
      'win32-x64-msvc': 'win32-x64',
    };
    for (const file of files) {
      const tag = /^surrealdb-node\.(.+)\.node$/.exec(file)?.[1] ?? '';
      const target = targetOf[tag];
      assert.ok(target, `unexpected binary ${file}`);
      const bytes = head(join(dist, file));
      assert.equal(binaryMismatch(bytes, parseTarget(target)), undefined, file);
      const other = target.includes('arm64') ? target.replace('arm64', 'x64') : target.replace('x64', 'arm64');
      assert.ok(binaryMismatch(bytes, parseTarget(other)), `${file} must not pass as ${other}`);
    }
  });
});
