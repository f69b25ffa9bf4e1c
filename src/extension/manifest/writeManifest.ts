// Writes the generated `contributes` and `activationEvents` into package.json, touching no other field:
//   node --import tsx src/extension/manifest/writeManifest.ts
// A unit test fails while package.json and the generator disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVATION_EVENTS, contributes } from './contributes';

const file = join(__dirname, '..', '..', '..', 'package.json');
const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
manifest.activationEvents = [...ACTIVATION_EVENTS];
manifest.contributes = contributes();
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`updated contributes and activationEvents in ${file}\n`);
