import { existsSync } from 'node:fs';
import { findExecutable } from '../common/executables';
import { MissingPrerequisiteError } from './errors';

const KERBEROS_HEADERS = ['/usr/include/gssapi/gssapi.h', '/usr/local/include/gssapi/gssapi.h'];

/**
 * What installing code-server needs from the system: its `kerberos` module compiles against libkrb5 headers
 * with a C++ toolchain, and its ripgrep download is replaced by Debian's `rg` (the machine has no internet).
 * Throws one error naming every missing Debian package.
 */
export function checkCodeServerPrerequisites(
  find: (name: string) => string | undefined = (name) => findExecutable(name),
  exists: (path: string) => boolean = existsSync,
): { ripgrep: string } {
  const missing: string[] = [];
  const ripgrep = find('rg');
  if (ripgrep === undefined) missing.push('ripgrep (rg)');
  if (!KERBEROS_HEADERS.some(exists)) missing.push('libkrb5-dev (gssapi/gssapi.h)');
  for (const [tool, debianPackage] of [
    ['make', 'build-essential'],
    ['g++', 'build-essential'],
    ['python3', 'python3'],
  ] as const) {
    if (find(tool) === undefined) missing.push(`${debianPackage} (${tool})`);
  }
  if (ripgrep === undefined || missing.length > 0) {
    throw new MissingPrerequisiteError(
      missing.join(', '),
      `installing code-server needs: ${missing.join(', ')}. ` +
        'Install them with: sudo apt-get install -y ripgrep libkrb5-dev build-essential python3',
    );
  }
  return { ripgrep };
}
