import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../../../tools/common/paths';
import { PackagingError } from '../../../../tools/package/errors';
import { packageVsix } from '../../../../tools/package/packageVsix';
import { hostTarget, parseTarget } from '../../../../tools/package/platformTarget';
import { vsixBinaries } from '../../../../tools/package/vsixBinaries';
import { stageExtension } from '../../../../tools/package/vsixStage';
import { zipEntries } from '../../../../tools/package/zipEntries';

const SURREAL_BINARY = 'node_modules/@surrealdb/node/dist/surrealdb-node.linux-x64-gnu.node';

/** Stands in for the production build: a bundle that loads the given packages at run time. */
function fakeBuild(...requires: string[]): (distDir: string) => Promise<void> {
  return async (distDir) => {
    mkdirSync(distDir, { recursive: true });
    writeFileSync(join(distDir, 'extension.js'), requires.map((name) => `require(${JSON.stringify(name)});`).join('\n'));
  };
}

describe('stageExtension', function () {
  this.timeout(120_000);
  let stageDir: string;
  beforeEach(() => (stageDir = mkdtempSync(join(tmpdir(), 'vsix-stage-'))));
  afterEach(() => rmSync(stageDir, { recursive: true, force: true }));

  it('ships the runtime modules for linux-x64 without the other platforms binaries', async () => {
    const staged = await stageExtension({
      repo: repoRoot(),
      stageDir,
      target: parseTarget('linux-x64'),
      modules: ['lz4-napi', 'surrealdb', '@surrealdb/node'],
      build: fakeBuild('lz4-napi', '@surrealdb/node'),
    });
    const names = staged.packages.map((pkg) => pkg.name);
    assert.ok(names.includes('@antoniomuso/lz4-napi-linux-x64-gnu'), 'the platform package of lz4-napi');
    assert.ok(!names.includes('msgpackr-extract'), 'only what was asked for');
    assert.ok(existsSync(join(stageDir, SURREAL_BINARY)));
    assert.ok(!existsSync(join(stageDir, 'node_modules/@surrealdb/node/dist/surrealdb-node.darwin-arm64.node')));
    assert.ok(staged.droppedBinaries.includes('node_modules/@surrealdb/node/dist/surrealdb-node.win32-x64-msvc.node'));
    assert.ok(existsSync(join(stageDir, 'README.md')));
  });

  it('declares exactly the runtime modules as dependencies and drops scripts', async () => {
    await stageExtension({
      repo: repoRoot(),
      stageDir,
      target: hostTarget(),
      modules: ['surrealdb'],
      build: fakeBuild('surrealdb'),
    });
    const manifest = JSON.parse(readFileSync(join(stageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(manifest.dependencies as object), ['surrealdb']);
    assert.equal(manifest.scripts, undefined);
    assert.equal(manifest.devDependencies, undefined);
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('marks peers that are not shipped as optional in the staged copies', async () => {
    await stageExtension({ repo: repoRoot(), stageDir, target: hostTarget(), modules: ['surrealdb'], build: fakeBuild() });
    const manifest = JSON.parse(readFileSync(join(stageDir, 'node_modules/surrealdb/package.json'), 'utf8')) as {
      peerDependenciesMeta?: Record<string, { optional: boolean }>;
    };
    assert.deepEqual(manifest.peerDependenciesMeta?.typescript, { optional: true });
  });

  it('fails when a bundle loads a package the VSIX would not ship', async () => {
    await assert.rejects(
      stageExtension({ repo: repoRoot(), stageDir, target: hostTarget(), modules: [], build: fakeBuild('ioredis') }),
      (error: unknown) => error instanceof PackagingError && /dist\/extension\.js loads ioredis/.test(error.message),
    );
  });
});

describe('packageVsix', function () {
  this.timeout(300_000);
  let outDir: string;
  beforeEach(() => (outDir = mkdtempSync(join(tmpdir(), 'vsix-out-'))));
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes a linux-x64 VSIX holding the bundle and only this platform binaries', async () => {
    const file = join(outDir, 'test.vsix');
    const result = await packageVsix({
      repo: repoRoot(),
      target: parseTarget('linux-x64'),
      outFile: file,
      verify: false,
      build: fakeBuild('lz4-napi', 'msgpackr-extract', 'surrealdb', '@surrealdb/node'),
    });
    assert.equal(result.file, file);
    assert.equal(result.installedBytes, undefined);
    // A zip's central directory lists the entry names in plain text.
    const zip = readFileSync(file);
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
    assert.equal(result.bytes, zip.length);
    const listing = zip.toString('latin1');
    for (const entry of ['extension/package.json', 'extension/dist/extension.js', `extension/${SURREAL_BINARY}`]) {
      assert.ok(listing.includes(entry), entry);
    }
    assert.ok(!listing.includes('surrealdb-node.darwin-arm64.node'));
    assert.ok(!listing.includes('extension/dist/start.js'));
    // Every native binary's header says linux x64 (checked by packageVsix itself, and here from the zip).
    const binaries = vsixBinaries(file, parseTarget('linux-x64'));
    assert.deepEqual(result.binaries.map((binary) => binary.entry), binaries.map((binary) => binary.entry));
    assert.ok(binaries.some((binary) => binary.entry === `extension/${SURREAL_BINARY}`));
    for (const binary of binaries) assert.equal(binary.mismatch, undefined, binary.entry);
    assert.ok(zipEntries(file).some((entry) => entry.name === 'extension/LICENSE.txt'), 'LICENSE ships');
  });
});
