import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeModuleError } from '../../../../tools/common/errors';
import { repoRoot } from '../../../../tools/common/paths';
import { RUNTIME_MODULES, verifyRuntimeModules } from '../../../../tools/common/runtimeModules';

describe('verifyRuntimeModules', () => {
  it('loads every native and ESM-only module from the repository, as the extension host would', async () => {
    await verifyRuntimeModules(repoRoot(), RUNTIME_MODULES);
  });

  it('names each module that cannot be loaded from a folder', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'runtime-modules-'));
    try {
      await assert.rejects(verifyRuntimeModules(empty, ['lz4-napi', 'surrealdb']), (error: unknown) => {
        assert.ok(error instanceof RuntimeModuleError);
        assert.equal(error.code, 'E_RUNTIME_MODULE');
        assert.deepEqual(
          error.failures.map((failure) => failure.module),
          ['lz4-napi', 'surrealdb'],
        );
        assert.match(error.message, /Cannot find package 'lz4-napi'/);
        return true;
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
