import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { TRUST_RESTRICTED_SETTINGS, settingId } from '../../src/core/config';
import { ACTIVATION_EVENTS, contributes } from '../../src/extension/manifest/contributes';

/** A package.json as parsed. */
export type PackageManifest = Record<string, unknown>;

/**
 * The parts of package.json written from the sources (CONFIG_KEYS, CommandId, the views), never by hand. The
 * untrusted-workspace capability's description is hand-written: only its list of settings is generated.
 */
export const GENERATED_SECTIONS: ReadonlyArray<readonly string[]> = [
  ['activationEvents'],
  ['contributes'],
  ['capabilities', 'untrustedWorkspaces', 'restrictedConfigurations'],
];

/** `manifest` with its generated sections rebuilt from the sources; every other field, and the fields' order, kept. */
export function withGeneratedSections(manifest: PackageManifest): PackageManifest {
  const capabilities = objectAt(manifest, 'capabilities') ?? {};
  const untrustedWorkspaces = objectAt(capabilities, 'untrustedWorkspaces') ?? { supported: 'limited' };
  const restrictedConfigurations = TRUST_RESTRICTED_SETTINGS.map((key) => settingId(key));
  return {
    ...manifest,
    activationEvents: [...ACTIVATION_EVENTS],
    // Through JSON, as package.json holds it: fields the generator leaves undefined are absent.
    contributes: JSON.parse(JSON.stringify(contributes())) as unknown,
    capabilities: {
      ...capabilities,
      untrustedWorkspaces: { ...untrustedWorkspaces, restrictedConfigurations },
    },
  };
}

/** The generated sections (dotted paths) whose content in `manifest` is not what the sources generate. */
export function staleSections(manifest: PackageManifest): string[] {
  const generated = withGeneratedSections(manifest);
  return GENERATED_SECTIONS.filter((path) => !isDeepStrictEqual(valueAt(manifest, path), valueAt(generated, path))).map((path) =>
    path.join('.'),
  );
}

/**
 * Rewrites the generated sections of the package.json at `file` and returns the ones that were stale. An
 * up-to-date file is not written at all, so its bytes stay as they are whatever its formatting.
 */
export function updateGeneratedSections(file: string): string[] {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as PackageManifest;
  const stale = staleSections(manifest);
  if (stale.length > 0) writeFileSync(file, manifestText(withGeneratedSections(manifest)));
  return stale;
}

/** package.json's text as npm writes it: two-space indentation and a final newline. */
export function manifestText(manifest: PackageManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function valueAt(manifest: PackageManifest, path: readonly string[]): unknown {
  let value: unknown = manifest;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}

function objectAt(parent: PackageManifest, key: string): PackageManifest | undefined {
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

function isObject(value: unknown): value is PackageManifest {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
