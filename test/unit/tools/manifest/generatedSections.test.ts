import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRUST_RESTRICTED_SETTINGS, settingId } from '../../../../src/core/config';
import { repoRoot } from '../../../../tools/common/paths';
import {
  manifestText,
  staleSections,
  updateGeneratedSections,
  withGeneratedSections,
  type PackageManifest,
} from '../../../../tools/manifest/generatedSections';

const packageJsonText = readFileSync(join(repoRoot(), 'package.json'), 'utf8');
const current = (): PackageManifest => JSON.parse(packageJsonText) as PackageManifest;

/** The object at `path` of a parsed manifest, for editing a copy in place. */
function objectAt(manifest: PackageManifest, ...path: string[]): Record<string, unknown> {
  let value: unknown = manifest;
  for (const key of path) value = (value as Record<string, unknown>)[key];
  assert.ok(typeof value === 'object' && value !== null, path.join('.'));
  return value as Record<string, unknown>;
}

describe('generated sections of package.json (npm run manifest)', () => {
  it('rebuilds the generated sections and keeps every other field, their order and the hand-written description', () => {
    const manifest: PackageManifest = {
      name: 'claude-prompt-cache',
      activationEvents: ['onCommand:old'],
      capabilities: {
        virtualWorkspaces: false,
        untrustedWorkspaces: { supported: 'limited', description: 'by hand', restrictedConfigurations: [] },
      },
      contributes: { commands: [] },
      main: './dist/extension.js',
    };
    const generated = withGeneratedSections(manifest);
    assert.deepEqual(Object.keys(generated), ['name', 'activationEvents', 'capabilities', 'contributes', 'main']);
    assert.equal(generated.main, './dist/extension.js');
    assert.deepEqual(generated.capabilities, {
      virtualWorkspaces: false,
      untrustedWorkspaces: {
        supported: 'limited',
        description: 'by hand',
        restrictedConfigurations: TRUST_RESTRICTED_SETTINGS.map((key) => settingId(key)),
      },
    });
    assert.deepEqual(staleSections(generated), []);
    assert.deepEqual(generated.contributes, current().contributes);
  });

  it('names exactly the sections that differ from the sources', () => {
    assert.deepEqual(staleSections(current()), [], 'the repository is current');

    const settingChanged = current();
    const properties = objectAt(settingChanged, 'contributes', 'configuration', 'properties');
    const [firstSetting] = Object.keys(properties);
    assert.ok(firstSetting);
    objectAt(properties, firstSetting).default = 'edited by hand';
    assert.deepEqual(staleSections(settingChanged), ['contributes']);

    const restrictedChanged = current();
    objectAt(restrictedChanged, 'capabilities', 'untrustedWorkspaces').restrictedConfigurations = [];
    delete restrictedChanged.activationEvents;
    assert.deepEqual(staleSections(restrictedChanged), ['activationEvents', 'capabilities.untrustedWorkspaces.restrictedConfigurations']);
  });

  it('keeps the repository package.json in the format it writes, so a rewrite changes only the generated sections', () => {
    assert.equal(manifestText(current()), packageJsonText);
  });

  describe('updateGeneratedSections', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('rewrites a stale package.json until the sources and the file agree', () => {
      const stale = current();
      objectAt(stale, 'contributes').commands = [];
      const file = join(dir, 'package.json');
      writeFileSync(file, manifestText(stale));
      assert.deepEqual(updateGeneratedSections(file), ['contributes']);
      assert.equal(readFileSync(file, 'utf8'), packageJsonText);
      assert.deepEqual(updateGeneratedSections(file), []);
    });

    it('leaves a current package.json byte for byte as it is', () => {
      const file = join(dir, 'package.json');
      const differentlyFormatted = JSON.stringify(current(), null, 4);
      writeFileSync(file, differentlyFormatted);
      assert.deepEqual(updateGeneratedSections(file), []);
      assert.equal(readFileSync(file, 'utf8'), differentlyFormatted);
    });
  });
});
