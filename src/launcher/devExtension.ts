import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extensionFolderName, extensionId, readManifest } from './extensionManifest';
import { RUNTIME_MODULES, verifyRuntimeModules } from './runtimeModules';

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
  if (isLinkTo(link, repo)) return link;
  rmSync(link, { recursive: true, force: true });
  symlinkSync(repo, link, 'dir');
  return link;
}

function isLinkTo(link: string, target: string): boolean {
  try {
    return lstatSync(link).isSymbolicLink() && resolve(readlinkSync(link)) === resolve(target);
  } catch {
    return false;
  }
}
