import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of an extension's package.json that name and locate it. */
export interface ExtensionManifest {
  readonly publisher: string;
  readonly name: string;
  readonly version: string;
  readonly main?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

export function readManifest(extensionDir: string): ExtensionManifest {
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as Partial<ExtensionManifest>;
  for (const field of ['publisher', 'name', 'version'] as const) {
    if (typeof manifest[field] !== 'string' || manifest[field].length === 0) {
      throw new Error(`${extensionDir}/package.json has no "${field}"`);
    }
  }
  return manifest as ExtensionManifest;
}

/** `publisher.name`, as VS Code identifies the extension. */
export function extensionId(manifest: ExtensionManifest): string {
  return `${manifest.publisher}.${manifest.name}`.toLowerCase();
}

/** The folder name VS Code gives an installed extension: `publisher.name-version`. */
export function extensionFolderName(manifest: ExtensionManifest): string {
  return `${extensionId(manifest)}-${manifest.version}`;
}
