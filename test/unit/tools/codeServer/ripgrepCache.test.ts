import assert from 'node:assert/strict';
import { ripgrepCacheFile } from '../../../../tools/codeServer/ripgrepCache';

describe('ripgrepCacheFile', () => {
  it('is where @vscode/ripgrep 1.15.11 looks for its v13.0.0-10 download', () => {
    assert.equal(
      ripgrepCacheFile('x64', '/tmp'),
      '/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz',
    );
    assert.match(ripgrepCacheFile('arm64', '/tmp'), /aarch64-unknown-linux-musl\.tar\.gz$/);
  });

  it('refuses an architecture it has no name for', () => {
    assert.throws(() => ripgrepCacheFile('mips', '/tmp'), /no ripgrep cache name known for mips/);
  });
});
