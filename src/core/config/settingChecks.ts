import { isAbsolute } from 'node:path';

/**
 * Why a URL is refused, or undefined; `schemes` include the colon, as URL.protocol does. A password in the URL is
 * refused too: settings files are shared and synced, passwords come from secret storage or the environment.
 */
export function urlProblem(schemes: readonly string[]): (value: string) => string | undefined {
  const expected = schemes.map((scheme) => `${scheme}//`).join(' or ');
  return (value) => {
    if (value === '') return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `not a URL (expected ${expected})`;
    }
    if (!schemes.includes(url.protocol)) return `not a ${expected} URL`;
    if (url.password !== '') {
      return 'a URL with a password in it, and passwords never come from settings (use secret storage or the environment)';
    }
    return undefined;
  };
}

export function storageDirProblem(value: string): string | undefined {
  if (value === '' || value === '~' || value.startsWith('~/') || isAbsolute(value)) return undefined;
  return 'not an absolute path (or ~/...)';
}

export function caFileProblem(value: string): string | undefined {
  if (value === '' || value.startsWith('~/') || isAbsolute(value)) return undefined;
  return 'not an absolute path to a file (or ~/...)';
}
