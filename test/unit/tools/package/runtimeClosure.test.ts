import assert from 'node:assert/strict';
import { parseTarget } from '../../../../tools/package/platformTarget';
import { runtimeClosure, type Lockfile } from '../../../../tools/package/runtimeClosure';

const linux = parseTarget('linux-x64');

const lock: Lockfile = {
  packages: {
    '': { version: '1.0.0' },
    'node_modules/native': {
      version: '2.0.0',
      dependencies: { helper: '^1.0.0' },
      optionalDependencies: { 'native-linux-x64': '2.0.0', 'native-darwin-arm64': '2.0.0', 'native-linux-arm64': '2.0.0' },
    },
    'node_modules/native-linux-x64': { version: '2.0.0', os: ['linux'], cpu: ['x64'] },
    'node_modules/native-darwin-arm64': { version: '2.0.0', os: ['darwin'], cpu: ['arm64'] },
    'node_modules/native-linux-arm64': { version: '2.0.0', os: ['linux'], cpu: ['arm64'] },
    'node_modules/helper': { version: '1.5.0' },
    'node_modules/esm-only': { version: '3.0.0', dependencies: { helper: '^2.0.0', shared: '^1.0.0' } },
    'node_modules/esm-only/node_modules/helper': { version: '2.1.0' },
    'node_modules/shared': { version: '1.0.0' },
    'node_modules/@scope/pkg': { version: '4.0.0', dependencies: { helper: '^1.0.0' } },
    'node_modules/typescript': { version: '5.9.3' },
  },
};

const everythingInstalled = (): boolean => true;

describe('runtimeClosure', () => {
  it('collects the roots and their dependencies, sorted by path', () => {
    const closure = runtimeClosure(lock, ['esm-only'], linux, everythingInstalled);
    assert.deepEqual(
      closure.map((pkg) => pkg.path),
      ['node_modules/esm-only', 'node_modules/esm-only/node_modules/helper', 'node_modules/shared'],
    );
  });

  it('resolves the nearest copy first, as Node does', () => {
    const closure = runtimeClosure(lock, ['esm-only', 'native'], linux, everythingInstalled);
    const helpers = closure.filter((pkg) => pkg.name === 'helper');
    assert.deepEqual(
      helpers.map((pkg) => [pkg.path, pkg.version]),
      [
        ['node_modules/esm-only/node_modules/helper', '2.1.0'],
        ['node_modules/helper', '1.5.0'],
      ],
    );
  });

  it('keeps an optional platform package only when it fits the target', () => {
    const names = runtimeClosure(lock, ['native'], linux, everythingInstalled).map((pkg) => pkg.name);
    assert.deepEqual(names, ['helper', 'native', 'native-linux-x64']);
  });

  it('skips an optional package npm did not install', () => {
    const installed = (path: string): boolean => path !== 'node_modules/native-linux-x64';
    const names = runtimeClosure(lock, ['native'], linux, installed).map((pkg) => pkg.name);
    assert.deepEqual(names, ['helper', 'native']);
  });

  it('handles scoped names', () => {
    const closure = runtimeClosure(lock, ['@scope/pkg'], linux, everythingInstalled);
    assert.deepEqual(
      closure.map((pkg) => pkg.name),
      ['@scope/pkg', 'helper'],
    );
  });

  it('fails when a required package is not in the lockfile', () => {
    assert.throws(
      () => runtimeClosure(lock, ['absent'], linux, everythingInstalled),
      /absent \(needed by the extension\) is not in package-lock.json/,
    );
  });

  it('fails when a required package is not installed', () => {
    const installed = (path: string): boolean => path !== 'node_modules/helper';
    assert.throws(() => runtimeClosure(lock, ['native'], linux, installed), /node_modules\/helper \(needed by native\) is not installed/);
  });

  it('fails when a required package cannot run on the target', () => {
    assert.throws(
      () => runtimeClosure(lock, ['native-darwin-arm64'], linux, everythingInstalled),
      /does not run on linux-x64/,
    );
  });

  it('does not follow peer dependencies', () => {
    const withPeer: Lockfile = {
      packages: { ...lock.packages, 'node_modules/db': { version: '1.0.0', peerDependencies: { typescript: '^5' } } },
    };
    assert.deepEqual(
      runtimeClosure(withPeer, ['db'], linux, everythingInstalled).map((pkg) => pkg.name),
      ['db'],
    );
  });
});
