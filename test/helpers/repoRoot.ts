import { resolve } from 'node:path';

/** The repository's root, for tests that read its files (media/, package.json, test/fixtures/) wherever they sit. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** A path under the repository's root. */
export function fromRepo(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}
