import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkDevExtension } from '../../../../tools/start/devExtension';

describe('linkDevExtension', () => {
  let root: string;
  let repo: string;
  let extensionsDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dev-extension-'));
    repo = join(root, 'repo');
    extensionsDir = join(root, 'extensions');
    mkdirSync(join(repo, 'dist'), { recursive: true });
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({ publisher: 'acme', name: 'cache', version: '2.0.0', main: './dist/extension.js' }),
    );
    writeFileSync(join(repo, 'dist', 'extension.js'), '');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('links publisher.name-version in the extensions folder to the repository', async () => {
    const link = await linkDevExtension(extensionsDir, repo, []);
    assert.equal(link, join(extensionsDir, 'acme.cache-2.0.0'));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), repo);
  });

  it('is idempotent and replaces other versions of the same extension only', async () => {
    mkdirSync(join(extensionsDir, 'acme.cache-1.0.0'), { recursive: true });
    mkdirSync(join(extensionsDir, 'acme.other-1.0.0'), { recursive: true });
    await linkDevExtension(extensionsDir, repo, []);
    const link = await linkDevExtension(extensionsDir, repo, []);
    assert.equal(existsSync(join(extensionsDir, 'acme.cache-1.0.0')), false);
    assert.equal(existsSync(join(extensionsDir, 'acme.other-1.0.0')), true);
    assert.equal(readlinkSync(link), repo);
    assert.ok(existsSync(join(repo, 'dist', 'extension.js')), 'replacing a link never touches its target');
  });

  it('replaces a stale link that points elsewhere', async () => {
    const link = await linkDevExtension(extensionsDir, repo, []);
    rmSync(link);
    symlinkSync(root, link);
    await linkDevExtension(extensionsDir, repo, []);
    assert.equal(readlinkSync(link), repo);
  });

  it('leaves extensions.json to VS Code while the profile has none', async () => {
    await linkDevExtension(extensionsDir, repo, []);
    assert.equal(existsSync(join(extensionsDir, 'extensions.json')), false);
  });

  it('lists the link in an existing extensions.json, replacing the entry of an older version', async () => {
    mkdirSync(extensionsDir);
    const other = { identifier: { id: 'someone.else' }, version: '1.0.0', relativeLocation: 'someone.else-1.0.0' };
    const older = { identifier: { id: 'Acme.Cache' }, version: '1.0.0', relativeLocation: 'acme.cache-1.0.0' };
    writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify([other, older]));
    const link = await linkDevExtension(extensionsDir, repo, []);
    const entries = JSON.parse(readFileSync(join(extensionsDir, 'extensions.json'), 'utf8')) as unknown;
    assert.deepEqual(entries, [
      other,
      {
        identifier: { id: 'acme.cache' },
        version: '2.0.0',
        location: { $mid: 1, path: link, scheme: 'file' },
        relativeLocation: 'acme.cache-2.0.0',
      },
    ]);
  });

  it('asks for a build when the bundle is missing', async () => {
    rmSync(join(repo, 'dist'), { recursive: true });
    await assert.rejects(linkDevExtension(extensionsDir, repo, []), /build the extension first \(npm run build\)/);
  });

  it('refuses a repository whose runtime modules do not load', async () => {
    await assert.rejects(linkDevExtension(extensionsDir, repo, ['lz4-napi']), /cannot load from .*lz4-napi/);
  });
});
