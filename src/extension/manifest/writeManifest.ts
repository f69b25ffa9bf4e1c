// Writes the generated `contributes`, `activationEvents` and the untrusted-workspace `restrictedConfigurations`
// into package.json, touching no other field:
//   node --import tsx src/extension/manifest/writeManifest.ts
// A unit test fails while package.json and the generator disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRUST_RESTRICTED_SETTINGS, settingId } from '../../core/config';
import { ACTIVATION_EVENTS, contributes } from './contributes';

const file = join(__dirname, '..', '..', '..', 'package.json');
const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
manifest.activationEvents = [...ACTIVATION_EVENTS];
manifest.contributes = contributes();
// The capability's description is hand-written; only the list of settings comes from CONFIG_KEYS.
const capabilities = (manifest.capabilities ??= {}) as Record<string, Record<string, unknown>>;
(capabilities.untrustedWorkspaces ??= { supported: 'limited' }).restrictedConfigurations = TRUST_RESTRICTED_SETTINGS.map(settingId);
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`updated contributes, activationEvents and restrictedConfigurations in ${file}\n`);
