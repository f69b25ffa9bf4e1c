// `npm run test:package` (not part of `npm test`: it fetches other platforms' packages from the npm registry and
// writes eight VSIXs, about two minutes here). .ci/run calls it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../../../tools/common/paths';
import { nativeModuleOf } from '../../../../tools/common/runtimeModules';
import { binaryPlatform } from '../../../../tools/package/nativeBinaryHeader';
import { packageAllTargets, type PackagedTargets } from '../../../../tools/package/packageAllTargets';
import { platformPackageCacheDir } from '../../../../tools/package/platformPackages';
import { ALL_TARGETS, parseTarget } from '../../../../tools/package/platformTarget';
import { vsixBinaries } from '../../../../tools/package/vsixBinaries';
import { zipEntries } from '../../../../tools/package/zipEntries';

/** Stands in for the production build (the bundles are the same on every target): loads every runtime module. */
async function fakeBuild(distDir: string): Promise<void> {
  mkdirSync(distDir, { recursive: true });
  const modules = ['lz4-napi', 'msgpackr-extract', 'surrealdb', '@surrealdb/node'];
  writeFileSync(join(distDir, 'extension.js'), modules.map((name) => `require(${JSON.stringify(name)});`).join('\n'));
}

describe('npm run package -- --target all', function () {
  this.timeout(20 * 60_000);
  let outDir: string;
  let result: PackagedTargets;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'vsix-all-'));
    result = await packageAllTargets({
      repo: repoRoot(),
      outDir,
      verify: false,
      build: fakeBuild,
      platformPackages: platformPackageCacheDir(repoRoot()),
    });
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes a VSIX for every target but linux-armhf, which @surrealdb/node has no binary for', () => {
    assert.deepEqual(
      result.written.map((written) => written.target),
      ALL_TARGETS.map((target) => target.name).filter((name) => name !== 'linux-armhf'),
    );
    assert.deepEqual(result.skipped, [
      { target: 'linux-armhf', reason: 'no linux-armhf VSIX: no linux-armhf binary of @surrealdb/node' },
    ]);
  });

  it('puts into each VSIX only binaries whose header (ELF, Mach-O, PE) names its OS and CPU', () => {
    for (const { target, vsix } of result.written) {
      const binaries = vsixBinaries(vsix.file, parseTarget(target));
      assert.ok(binaries.length > 0, target);
      for (const binary of binaries) {
        assert.equal(binary.mismatch, undefined, `${target}: ${binary.entry} ${JSON.stringify(binary.platform)}`);
      }
      const expectedFormat = { linux: 'elf', darwin: 'mach-o', win32: 'pe' }[parseTarget(target).os];
      assert.ok(binaries.every((binary) => binary.platform?.format === expectedFormat), target);
    }
  });

  it('ships @surrealdb/node and lz4-napi on every target, msgpackr-extract wherever it has a build', () => {
    for (const { target, vsix } of result.written) {
      const modules = new Set(
        vsixBinaries(vsix.file, parseTarget(target)).map(
          (binary) => nativeModuleOf(binary.entry.replace(/^extension\//, ''))?.module,
        ),
      );
      assert.ok(modules.has('@surrealdb/node'), `${target} has @surrealdb/node`);
      assert.ok(modules.has('lz4-napi'), `${target} has lz4-napi`);
      // msgpackr-extract publishes no win32-arm64 build: msgpackr decodes in JavaScript there.
      assert.equal(modules.has('msgpackr-extract'), target !== 'win32-arm64', `${target} msgpackr-extract`);
      if (target === 'win32-arm64') {
        assert.deepEqual(vsix.staged.fallbacks, [
          'msgpackr-extract has no win32-arm64 binary: msgpackr decodes in plain JavaScript (same format, slower)',
        ]);
      }
    }
  });

  it('keeps musl and glibc builds apart on Linux', () => {
    for (const { target, vsix } of result.written) {
      if (!target.startsWith('linux-') && !target.startsWith('alpine-')) continue;
      const names = vsixBinaries(vsix.file, parseTarget(target)).map((binary) => binary.entry);
      const wrongLibc = target.startsWith('alpine-') ? /gnu|glibc/ : /musl/;
      assert.deepEqual(names.filter((name) => wrongLibc.test(name)), [], target);
    }
  });

  it('names its target in the VSIX manifest and carries the Marketplace metadata', () => {
    for (const { target, vsix } of result.written) {
      const entries = zipEntries(vsix.file);
      const manifest = entries.find((entry) => entry.name === 'extension.vsixmanifest')?.read().toString() ?? '';
      assert.match(manifest, new RegExp(`TargetPlatform="${target}"`), target);
      const names = entries.map((entry) => entry.name);
      for (const file of ['extension/LICENSE.txt', 'extension/media/claude-cache-icon.png', 'extension/readme.md']) {
        assert.ok(names.some((name) => name.toLowerCase() === file.toLowerCase()), `${target}: ${file} in ${names.filter((n) => !n.includes('node_modules')).join(', ')}`);
      }
      const icon = entries.find((entry) => entry.name === 'extension/media/claude-cache-icon.png')?.read();
      assert.ok(icon && binaryPlatform(icon) === undefined);
      // PNG IHDR: width and height, big-endian, at 16 and 20.
      assert.deepEqual([icon?.readUInt32BE(16), icon?.readUInt32BE(20)], [128, 128]);
    }
  });
});
