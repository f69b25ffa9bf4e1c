import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionFolderName, extensionId, readManifest } from '../../../../tools/common/extensionManifest';

describe('extensionManifest', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'manifest-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the installed folder publisher.name-version, lower-cased like VS Code', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ publisher: 'Acme', name: 'Cache', version: '1.2.3' }));
    const manifest = readManifest(dir);
    assert.equal(extensionId(manifest), 'acme.cache');
    assert.equal(extensionFolderName(manifest), 'acme.cache-1.2.3');
  });

  it('reads this repository as claude-prompt-cache.claude-prompt-cache', () => {
    const manifest = readManifest(join(__dirname, '../../../..'));
    assert.equal(extensionId(manifest), 'claude-prompt-cache.claude-prompt-cache');
  });

  it('rejects a manifest without a publisher', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cache', version: '1.0.0' }));
    assert.throws(() => readManifest(dir), /has no "publisher"/);
  });
});
