import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClaudeRequest, ClaudeResponse } from '../../../src/core/claude';
import { decodeValue, encodeValue } from '../../../src/core/codec';
import { DEFAULT_CONFIG } from '../../../src/core/config';
import { CostLedger } from '../../../src/core/cost';
import { layerPolicies, memoryBudgets } from '../../../src/core/engine';
import { fileContextKeys, invalidateFileContexts } from '../../../src/core/fileInvalidation';
import { WorkflowPipeline } from '../../../src/core/pipeline';
import { MemoryStore } from '../../../src/core/stores/memory/memoryStore';
import { TieredCache } from '../../../src/core/tiered/tieredCache';
import { BUILTIN_WORKFLOWS, discoverWorkflows } from '../../../src/core/workflows';

const ZERO = { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };

describe('fileContextKeys', () => {
  it('names one snapshot per workflow that reads the current file', () => {
    const keys = fileContextKeys('/ws', 'src/a.ts', BUILTIN_WORKFLOWS);
    const fileReaders = BUILTIN_WORKFLOWS.filter((workflow) => workflow.reads.includes('file'));
    assert.ok(fileReaders.length > 0);
    assert.equal(keys.length, fileReaders.length);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('gives the same keys for a relative and an absolute path of the same file', () => {
    assert.deepEqual(
      fileContextKeys('/ws', 'src/a.ts', BUILTIN_WORKFLOWS),
      fileContextKeys('/ws/', '/ws/src/a.ts', BUILTIN_WORKFLOWS),
    );
  });

  it('ignores workflows that only read the selection or the git diff', () => {
    const keys = fileContextKeys('/ws', 'src/a.ts', [
      { name: 'explain', reads: ['selection'] },
      { name: 'changes', reads: ['gitDiff'] },
    ]);
    assert.deepEqual(keys, []);
  });

  it('tells files apart', () => {
    const a = fileContextKeys('/ws', 'src/a.ts', BUILTIN_WORKFLOWS);
    const b = fileContextKeys('/ws', 'src/b.ts', BUILTIN_WORKFLOWS);
    assert.equal(a.filter((key) => b.includes(key)).length, 0);
  });
});

describe('invalidateFileContexts', () => {
  let root: string;
  let cache: TieredCache;
  let pipeline: WorkflowPipeline;
  let calls: number;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'file-invalidation-'));
    await mkdir(join(root, 'src'));
    await writeFile(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    await writeFile(join(root, 'src', 'b.ts'), 'export const b = 2;\n');
    cache = await TieredCache.create({
      memory: new MemoryStore({ budgets: memoryBudgets(DEFAULT_CONFIG) }),
      codec: { encode: encodeValue, decode: decodeValue },
      layers: layerPolicies(DEFAULT_CONFIG),
    });
    calls = 0;
    const claude = {
      complete: async (request: ClaudeRequest): Promise<ClaudeResponse> => {
        calls += 1;
        return { text: `answer ${request.prompt.length}`, model: request.model, stopReason: 'end_turn', usage: ZERO };
      },
    };
    pipeline = new WorkflowPipeline({
      cache,
      ledger: new CostLedger(),
      claude: () => claude,
      settings: () => ({ model: 'claude-sonnet-5-5', maxTokens: 256, temperature: 0, providerCache: 'off' }),
      workflows: discoverWorkflows,
    });
  });

  afterEach(async () => {
    await cache.close();
    await rm(root, { recursive: true, force: true });
  });

  async function contextKeys(): Promise<string[]> {
    return (await cache.entries('context', 'memory', 100)).map((entry) => entry.key);
  }

  it('drops the snapshot the pipeline stored for a run on that file, and only that one', async () => {
    await pipeline.run({ workflow: 'review-file', workspace: root, filePath: 'src/a.ts' });
    await pipeline.run({ workflow: 'review-file', workspace: root, filePath: 'src/b.ts' });
    const [snapshotKey] = fileContextKeys(root, 'src/a.ts', BUILTIN_WORKFLOWS.filter((w) => w.name === 'review-file'));
    assert.ok(snapshotKey);
    const before = await contextKeys();
    assert.ok(before.includes(snapshotKey), 'the pipeline stored the snapshot under the predicted key');

    const removed = await invalidateFileContexts(cache, root, join(root, 'src', 'a.ts'), BUILTIN_WORKFLOWS);

    assert.equal(removed, 1);
    const after = await contextKeys();
    assert.deepEqual(
      before.filter((key) => !after.includes(key)),
      [snapshotKey],
      'the other file and the run manifests stay',
    );
  });

  it('leaves the cached answer usable when the file did not really change', async () => {
    await pipeline.run({ workflow: 'review-file', workspace: root, filePath: 'src/a.ts' });
    const paid = calls;
    await invalidateFileContexts(cache, root, 'src/a.ts', BUILTIN_WORKFLOWS);

    const again = await pipeline.run({ workflow: 'review-file', workspace: root, filePath: 'src/a.ts' });

    assert.equal(again.cached, true);
    assert.equal(calls, paid);
    assert.equal(again.steps.find((step) => step.layer === 'context')?.source, 'compute', 'the snapshot was rebuilt');
  });

  it('removes nothing for a file no run read', async () => {
    await pipeline.run({ workflow: 'review-file', workspace: root, filePath: 'src/a.ts' });
    assert.equal(await invalidateFileContexts(cache, root, 'src/other.ts', BUILTIN_WORKFLOWS), 0);
  });
});
