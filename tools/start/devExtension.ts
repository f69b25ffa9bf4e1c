import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extensionFolderName, extensionId, readManifest, type ExtensionManifest } from '../common/extensionManifest';
import { RUNTIME_MODULES, verifyRuntimeModules } from '../common/runtimeModules';

/**
 * Makes the extension under development visible to code-server: `extensionsDir/publisher.name-version` becomes
 * a symlink to the repository, so a rebuild of dist/ is picked up on the next window reload. Other versions of
 * the same extension in that folder are removed (VS Code would load the newest). Returns the link's path.
 */
export async function linkDevExtension(
  extensionsDir: string,
  repo: string,
  modules: readonly string[] = RUNTIME_MODULES,
): Promise<string> {
  const manifest = readManifest(repo);
  const main = resolve(repo, manifest.main ?? 'dist/extension.js');
  if (!existsSync(main.endsWith('.js') ? main : `${main}.js`)) {
    throw new Error(`${main} is missing: build the extension first (npm run build)`);
  }
  await verifyRuntimeModules(repo, modules);

  mkdirSync(extensionsDir, { recursive: true });
  const folder = extensionFolderName(manifest);
  const link = join(extensionsDir, folder);
  const prefix = `${extensionId(manifest)}-`;
  for (const entry of readdirSync(extensionsDir)) {
    if (entry.toLowerCase().startsWith(prefix) && entry !== folder) {
      rmSync(join(extensionsDir, entry), { recursive: true, force: true });
    }
  }
  if (!isLinkTo(link, repo)) {
    rmSync(link, { recursive: true, force: true });
    symlinkSync(repo, link, 'dir');
  }
  registerInProfile(extensionsDir, manifest, link);
  return link;
}

/** One entry of VS Code's extensions.json, the list of installed extensions it keeps in the extensions folder. */
interface InstalledExtensionEntry {
  identifier?: { id?: string };
  [field: string]: unknown;
}

/**
 * Once VS Code has written extensions.json it loads only the extensions listed there, so a folder that
 * appeared later (a new version's link) would be ignored. Lists the link, replacing any older entry for the
 * same extension. Without the file VS Code scans the folder itself and writes it.
 */
function registerInProfile(extensionsDir: string, manifest: ExtensionManifest, link: string): void {
  const file = join(extensionsDir, 'extensions.json');
  if (!existsSync(file)) return;
  const id = extensionId(manifest);
  const entries = (JSON.parse(readFileSync(file, 'utf8')) as InstalledExtensionEntry[]).filter(
    (entry) => entry.identifier?.id?.toLowerCase() !== id,
  );
  entries.push({
    identifier: { id },
    version: manifest.version,
    location: { $mid: 1, path: link, scheme: 'file' },
    relativeLocation: extensionFolderName(manifest),
  });
  writeFileSync(file, JSON.stringify(entries));
}

function isLinkTo(link: string, target: string): boolean {
  try {
    return lstatSync(link).isSymbolicLink() && resolve(readlinkSync(link)) === resolve(target);
  } catch {
    return false;
  }
}
