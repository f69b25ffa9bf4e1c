import assert from 'node:assert/strict';
import { MissingPrerequisiteError } from '../../../../tools/codeServer/errors';
import { checkCodeServerPrerequisites } from '../../../../tools/codeServer/prerequisites';

const allTools = (name: string): string => `/usr/bin/${name}`;
const headersPresent = (path: string): boolean => path === '/usr/include/gssapi/gssapi.h';

describe('checkCodeServerPrerequisites', () => {
  it('returns the ripgrep binary when everything is installed', () => {
    assert.deepEqual(checkCodeServerPrerequisites(allTools, headersPresent), { ripgrep: '/usr/bin/rg' });
  });

  it('names ripgrep when rg is missing', () => {
    const noRipgrep = (name: string): string | undefined => (name === 'rg' ? undefined : allTools(name));
    assert.throws(
      () => checkCodeServerPrerequisites(noRipgrep, headersPresent),
      (error: unknown) =>
        error instanceof MissingPrerequisiteError &&
        error.code === 'E_LAUNCH_PREREQUISITE' &&
        /ripgrep \(rg\)/.test(error.message) &&
        /apt-get install/.test(error.message),
    );
  });

  it('names libkrb5-dev when the Kerberos headers are missing', () => {
    assert.throws(() => checkCodeServerPrerequisites(allTools, () => false), /libkrb5-dev/);
  });

  it('names the toolchain when a compiler is missing', () => {
    const noCompiler = (name: string): string | undefined => (name === 'g++' ? undefined : allTools(name));
    assert.throws(() => checkCodeServerPrerequisites(noCompiler, headersPresent), /build-essential \(g\+\+\)/);
  });

  it('lists every missing package in one error', () => {
    assert.throws(
      () => checkCodeServerPrerequisites(() => undefined, () => false),
      /ripgrep \(rg\), libkrb5-dev .*build-essential \(make\), build-essential \(g\+\+\), python3 \(python3\)/,
    );
  });
});
