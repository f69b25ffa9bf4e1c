import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, CONFIG_KEY_LIST, settingId, type AnySettingSpec } from '../../../../src/core/config';
import { CommandId } from '../../../../src/extension/commands/commandId';
import { TRUST_RESTRICTED_SETTINGS } from '../../../../src/extension/config/settingsConfig';
import { staleSections, type PackageManifest } from '../../../../tools/manifest/generatedSections';
import { REPO_ROOT } from '../../../helpers/repoRoot';

const ROOT = REPO_ROOT;

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string; category: string; icon?: string }>;
    menus: Record<string, Array<{ command: string; when?: string; group?: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
    configuration: { properties: Record<string, Record<string, unknown>> };
  };
}

const packageJsonText = readFileSync(join(ROOT, 'package.json'), 'utf8');
const manifest = JSON.parse(packageJsonText) as Manifest;
const properties = manifest.contributes.configuration.properties;

/** The public contract (ARCHITECTURE.md): ids and palette titles users and scripts rely on. */
const CONTRACT_COMMANDS: Record<string, string> = {
  'claudeCache.runWorkflow': 'Run Workflow...',
  'claudeCache.prewarm': 'Prewarm Cache',
  'claudeCache.invalidateAll': 'Invalidate All',
  'claudeCache.invalidateLayer': 'Invalidate Layer...',
  'claudeCache.invalidateEntry': 'Invalidate Entry',
  'claudeCache.invalidatePattern': 'Invalidate by Pattern...',
  'claudeCache.setApiKey': 'Set API Key',
  'claudeCache.showDashboard': 'Show Dashboard',
  'claudeCache.showLog': 'Show Log',
  'claudeCache.resetStats': 'Reset Statistics',
  'claudeCache.refresh': 'Refresh',
};

describe('package.json', () => {
  it('holds the sections generated from the sources (contributes, activationEvents, restrictedConfigurations)', () => {
    const stale = staleSections(JSON.parse(packageJsonText) as PackageManifest);
    assert.deepEqual(stale, [], `package.json's ${stale.join(', ')} differ from what the sources generate: run \`npm run manifest\``);
  });

  it('declares limited support for untrusted workspaces, restricting exactly the settings the adapter guards', () => {
    const { capabilities } = manifest;
    assert.equal(capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(
      capabilities.untrustedWorkspaces.restrictedConfigurations,
      TRUST_RESTRICTED_SETTINGS.map((key) => settingId(key)),
    );
  });

  it('keeps the public names', () => {
    assert.equal(manifest.name, 'claude-prompt-cache');
    assert.equal(manifest.displayName, 'Claude Prompt Cache');
    assert.equal(manifest.main, './dist/extension.js');
  });

  describe('settings', () => {
    it('has exactly one claudeCache.* setting per CONFIG_KEYS entry', () => {
      assert.deepEqual(Object.keys(properties).sort(), CONFIG_KEY_LIST.map((key) => settingId(key)).sort());
    });

    for (const key of CONFIG_KEY_LIST) {
      it(`declares ${settingId(key)} with the type, default, range and enum of CONFIG_KEYS`, () => {
        const spec = CONFIG_KEYS[key] as AnySettingSpec;
        const property = properties[settingId(key)];
        assert.ok(property);
        assert.equal(property.type, spec.type);
        assert.deepEqual(property.default, spec.default);
        if (spec.type === 'integer' || spec.type === 'number') {
          assert.equal(property.minimum, spec.minimum);
          assert.equal(property.maximum, spec.maximum);
        } else {
          assert.equal(property.minimum, undefined);
          assert.equal(property.maximum, undefined);
        }
        if (spec.type === 'string') {
          assert.deepEqual(property.enum, spec.enum);
          assert.deepEqual(property.enumDescriptions, spec.enumDescriptions);
          assert.equal(property.pattern, spec.pattern);
          if (spec.pattern !== undefined) {
            assert.ok(new RegExp(spec.pattern, 'u').test(String(spec.default)), 'the default passes the pattern');
          }
        }
        assert.equal(typeof property.markdownDescription, 'string');
        assert.ok((property.markdownDescription as string).length > 10);
        assert.equal(property.description, undefined, 'markdownDescription only');
      });
    }
  });

  describe('commands', () => {
    const contributed = new Map(manifest.contributes.commands.map((command) => [command.command, command]));

    it('contributes every contract command with its title, under the "Claude Cache" category', () => {
      for (const [id, title] of Object.entries(CONTRACT_COMMANDS)) {
        const command = contributed.get(id);
        assert.ok(command, `${id} is missing`);
        assert.equal(command.title, title);
        assert.equal(command.category, 'Claude Cache');
      }
    });

    it('contributes exactly the commands the extension registers', () => {
      assert.deepEqual([...contributed.keys()].sort(), Object.values(CommandId).sort());
      for (const command of contributed.values()) assert.equal(command.category, 'Claude Cache');
    });

    it('hides internal commands from the palette', () => {
      const hidden = manifest.contributes.menus.commandPalette?.filter((item) => item.when === 'false').map((item) => item.command);
      assert.deepEqual(hidden?.sort(), [CommandId.OpenEntry, CommandId.RunFresh, CommandId.InvalidateTier, CommandId.InspectEntry].sort());
      for (const id of Object.keys(CONTRACT_COMMANDS)) assert.ok(!hidden?.includes(id), `${id} must stay in the palette`);
    });

    it('puts only contributed commands in menus, tree items matched by their contextValue', () => {
      for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
        for (const item of items) {
          assert.ok(contributed.has(item.command), `${menu}: ${item.command}`);
          const viewItem = /viewItem == (\w+)/.exec(item.when ?? '')?.[1];
          if (viewItem !== undefined) assert.ok(['layer', 'tier', 'entry'].includes(viewItem), `${menu}: ${item.when}`);
        }
      }
      const treeMenu = manifest.contributes.menus['view/item/context'] ?? [];
      assert.ok(treeMenu.some((item) => item.command === CommandId.InvalidateLayer && /viewItem == layer/.test(item.when ?? '')));
      assert.ok(treeMenu.some((item) => item.command === CommandId.InvalidateEntry && /viewItem == entry/.test(item.when ?? '')));
      assert.ok(treeMenu.some((item) => item.command === CommandId.OpenEntry && /viewItem == entry/.test(item.when ?? '')));
      for (const item of [...treeMenu, ...(manifest.contributes.menus['view/title'] ?? [])]) {
        assert.match(item.when ?? '', /view == claudeCache\.tiers/);
      }
    });

    it('gives every command shown inline or in the view title an icon', () => {
      const shown = [
        ...(manifest.contributes.menus['view/title'] ?? []).filter((item) => item.group?.startsWith('navigation')),
        ...(manifest.contributes.menus['view/item/context'] ?? []).filter((item) => item.group === 'inline'),
      ];
      for (const item of shown) assert.match(contributed.get(item.command)?.icon ?? '', /^\$\([a-z-~]+\)$/, item.command);
    });
  });

  describe('views', () => {
    it('adds the claudeCache activity-bar container with an SVG icon from media/', () => {
      const container = manifest.contributes.viewsContainers.activitybar.find((item) => item.id === 'claudeCache');
      assert.ok(container);
      assert.match(container.icon, /^media\/.+\.svg$/);
      const svg = readFileSync(join(ROOT, container.icon), 'utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /currentColor/, 'follows the theme');
    });

    it('puts the claudeCache.tiers tree in it', () => {
      assert.deepEqual(manifest.contributes.views.claudeCache?.map((view) => view.id), ['claudeCache.tiers']);
    });

    it('welcomes with Set API Key and Run Workflow links when nothing is cached', () => {
      const ready = manifest.contributes.viewsWelcome.find((item) => item.when === 'claudeCache.state == ready');
      assert.ok(ready);
      assert.equal(ready.view, 'claudeCache.tiers');
      assert.match(ready.contents, /\[Set API Key\]\(command:claudeCache\.setApiKey\)/);
      assert.match(ready.contents, /\[Run Workflow\]\(command:claudeCache\.runWorkflow\)/);
    });

    it('ships the dashboard assets it references', () => {
      for (const asset of ['dashboard.js', 'dashboard.css', 'claude-cache.svg']) assert.ok(existsSync(join(ROOT, 'media', asset)), asset);
    });
  });
});
