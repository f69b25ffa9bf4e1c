import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { devCacheDir, repoRoot } from '../../../../tools/common/paths';

describe('tool paths', () => {
  describe('repoRoot', () => {
    it('finds this repository from the tool sources', () => {
      assert.equal(repoRoot(), resolve(__dirname, '../../../..'));
    });

    it('skips package.json files of other packages on the way up', () => {
      const root = mkdtempSync(join(tmpdir(), 'repo-root-'));
      try {
        writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'claude-prompt-cache' }));
        const nested = join(root, 'node_modules', 'dep', 'lib');
        mkdirSync(nested, { recursive: true });
        writeFileSync(join(root, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep' }));
        writeFileSync(join(nested, 'package.json'), '{ not json');
        assert.equal(repoRoot(nested), root);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('fails outside the repository', () => {
      assert.throws(() => repoRoot('/'), /no claude-prompt-cache package.json above \//);
    });
  });

  describe('devCacheDir', () => {
    it('lives under XDG_CACHE_HOME when set, else ~/.cache', () => {
      assert.equal(devCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/claude-prompt-cache-dev');
      assert.equal(devCacheDir({}), join(homedir(), '.cache', 'claude-prompt-cache-dev'));
      assert.equal(devCacheDir({ XDG_CACHE_HOME: '' }), join(homedir(), '.cache', 'claude-prompt-cache-dev'));
    });
  });
});
