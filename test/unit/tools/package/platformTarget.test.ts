import assert from 'node:assert/strict';
import { hostTarget, isForOtherPlatform, packageFitsTarget, parseTarget } from '../../../../tools/package/platformTarget';

describe('platformTarget', () => {
  describe('parseTarget', () => {
    it('knows the vsce target names', () => {
      assert.deepEqual(parseTarget('linux-x64'), { name: 'linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc' });
      assert.equal(parseTarget('alpine-arm64').libc, 'musl');
      assert.equal(parseTarget('darwin-arm64').os, 'darwin');
    });

    it('rejects an unknown name and lists the known ones', () => {
      assert.throws(() => parseTarget('beos-x64'), /unknown target "beos-x64".*linux-x64/);
    });
  });

  describe('hostTarget', () => {
    it('names a glibc Linux x64 machine linux-x64 and a musl one alpine-x64', () => {
      assert.equal(hostTarget('linux', 'x64', 'glibc').name, 'linux-x64');
      assert.equal(hostTarget('linux', 'x64', 'musl').name, 'alpine-x64');
    });

    it('ignores the C library outside Linux', () => {
      assert.equal(hostTarget('darwin', 'arm64', 'musl').name, 'darwin-arm64');
      assert.equal(hostTarget('win32', 'x64', 'glibc').name, 'win32-x64');
    });

    it('describes the machine running the tests', () => {
      const host = hostTarget();
      assert.equal(host.os, process.platform);
      assert.equal(host.cpu, process.arch);
    });

    it('refuses a platform vsce cannot target', () => {
      assert.throws(() => hostTarget('aix', 'ppc64', 'glibc'), /no VSIX target for aix-ppc64/);
    });
  });

  describe('packageFitsTarget', () => {
    const linux = parseTarget('linux-x64');

    it('accepts a package without restrictions', () => {
      assert.equal(packageFitsTarget({}, linux), true);
    });

    it('matches os, cpu and libc lists as npm records them', () => {
      assert.equal(packageFitsTarget({ os: ['linux'], cpu: ['x64'], libc: ['glibc'] }, linux), true);
      assert.equal(packageFitsTarget({ os: ['linux'], cpu: ['x64'], libc: ['musl'] }, linux), false);
      assert.equal(packageFitsTarget({ os: ['darwin'], cpu: ['x64'] }, linux), false);
      assert.equal(packageFitsTarget({ os: ['linux'], cpu: ['arm64'] }, linux), false);
    });

    it('honours negated entries', () => {
      assert.equal(packageFitsTarget({ os: ['!win32'] }, linux), true);
      assert.equal(packageFitsTarget({ os: ['!linux'] }, linux), false);
    });

    it('does not apply libc outside Linux', () => {
      assert.equal(packageFitsTarget({ os: ['darwin'], libc: ['glibc'] }, parseTarget('darwin-arm64')), true);
    });
  });

  describe('isForOtherPlatform', () => {
    const linux = parseTarget('linux-x64');
    const surreal = (tag: string): string => `dist/surrealdb-node.${tag}.node`;

    it('keeps the glibc x64 binary of @surrealdb/node for linux-x64 and drops every other one', () => {
      assert.equal(isForOtherPlatform(surreal('linux-x64-gnu'), linux), false);
      for (const tag of [
        'linux-x64-musl',
        'linux-arm64-gnu',
        'linux-arm64-musl',
        'darwin-x64',
        'darwin-arm64',
        'win32-x64-msvc',
        'win32-arm64-msvc',
      ]) {
        assert.equal(isForOtherPlatform(surreal(tag), linux), true, tag);
      }
    });

    it('keeps musl binaries for alpine targets', () => {
      const alpine = parseTarget('alpine-x64');
      assert.equal(isForOtherPlatform(surreal('linux-x64-musl'), alpine), false);
      assert.equal(isForOtherPlatform(surreal('linux-x64-gnu'), alpine), true);
    });

    it('keeps a universal macOS binary for both Mac targets', () => {
      assert.equal(isForOtherPlatform(surreal('darwin-universal'), parseTarget('darwin-arm64')), false);
      assert.equal(isForOtherPlatform(surreal('darwin-universal'), linux), true);
    });

    it('tells arm from arm64', () => {
      const armhf = parseTarget('linux-armhf');
      assert.equal(isForOtherPlatform('x.linux-arm-gnueabihf.node', armhf), false);
      assert.equal(isForOtherPlatform('x.linux-arm64-gnu.node', armhf), true);
    });

    it('judges prebuild folders by their name', () => {
      assert.equal(isForOtherPlatform('prebuilds/darwin-x64', linux), true);
      assert.equal(isForOtherPlatform('prebuilds/linux-x64/node.napi.node', linux), false);
    });

    it('drops the other C library build inside an already platform-specific package', () => {
      assert.equal(isForOtherPlatform('node.napi.musl.node', linux), true);
      assert.equal(isForOtherPlatform('node.napi.glibc.node', linux), false);
      assert.equal(isForOtherPlatform('node.napi.musl.node', parseTarget('darwin-x64')), false);
    });

    it('keeps files that name no platform', () => {
      assert.equal(isForOtherPlatform('build/Release/addon.node', linux), false);
      assert.equal(isForOtherPlatform('index.js', linux), false);
    });
  });
});
