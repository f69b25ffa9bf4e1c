import assert from 'node:assert/strict';
import { nativeModuleOf } from '../../../../tools/common/runtimeModules';
import { vsceWarnings } from '../../../../tools/package/packageVsix';

describe('vsceWarnings', () => {
  it('keeps the WARNING lines of vsce output, except the note about a newer vsce', () => {
    const output = [
      'Executing prepublish script...',
      ' WARNING  A \'repository\' field is missing from the \'package.json\' manifest file.',
      'Use --allow-missing-repository to bypass.',
      ' WARNING  The latest version of @vscode/vsce is 3.10.0 and you have 3.9.2.',
      '::warning::LICENSE not found',
      ' DONE  Packaged: x.vsix (12 files, 9 MB)',
    ].join('\n');
    assert.deepEqual(vsceWarnings(output), [
      " WARNING  A 'repository' field is missing from the 'package.json' manifest file.",
      '::warning::LICENSE not found',
    ]);
    assert.deepEqual(vsceWarnings(' DONE  Packaged: x.vsix'), []);
  });
});

describe('nativeModuleOf', () => {
  it('assigns a shipped binary to the native module whose package (or platform package) holds it', () => {
    assert.equal(nativeModuleOf('node_modules/@surrealdb/node/dist/surrealdb-node.linux-x64-gnu.node')?.module, '@surrealdb/node');
    assert.equal(nativeModuleOf('node_modules/@antoniomuso/lz4-napi-darwin-arm64/lz4-napi.darwin-arm64.node')?.module, 'lz4-napi');
    assert.equal(nativeModuleOf('node_modules/@msgpackr-extract/msgpackr-extract-linux-x64/node.napi.glibc.node')?.module, 'msgpackr-extract');
    assert.equal(nativeModuleOf('node_modules/something-else/x.node'), undefined);
  });
});
