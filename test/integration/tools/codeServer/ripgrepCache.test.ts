import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedRipgrepCache } from '../../../../tools/codeServer/ripgrepCache';

describe('seedRipgrepCache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rg-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('archives the system binary as rg at the top level of the expected tarball', () => {
    const binary = join(dir, 'ripgrep-13');
    writeFileSync(binary, '#!/bin/sh\necho rg\n');
    chmodSync(binary, 0o755);
    const file = join(dir, 'cache', 'ripgrep.tar.gz');
    assert.equal(seedRipgrepCache(binary, file), file);
    assert.deepEqual(execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n'), ['rg']);
  });

  it('leaves an existing tarball alone', () => {
    const file = join(dir, 'ripgrep.tar.gz');
    writeFileSync(file, 'already there');
    seedRipgrepCache('/does/not/matter', file);
    assert.equal(statSync(file).size, 'already there'.length);
  });
});
