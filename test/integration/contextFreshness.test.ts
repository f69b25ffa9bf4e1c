import assert from 'node:assert/strict';
import { rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheEngine } from '../../src/core/engine';
import { fakeAnthropicPerSuite, makeTempWorkspace, MATH_SOURCE, testEngineConfig } from '../helpers/engineWorkspace';

/** Same length as MATH_SOURCE, different bytes. */
const SWAPPED_SOURCE = MATH_SOURCE.replace('a + b', 'b + a');
/** Whole seconds, so restoring them gives back exactly the recorded values. */
const ATIME = new Date('2026-02-01T08:00:00Z');
const MTIME = new Date('2026-02-01T09:00:00Z');

describe('context freshness through the pipeline', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let engine: CacheEngine;
  let file: string;

  beforeEach(async () => {
    let storage: string;
    ({ root, workspace, storage } = await makeTempWorkspace('context-fresh-', { 'src/math.ts': MATH_SOURCE }));
    file = join(workspace, 'src', 'math.ts');
    await utimes(file, ATIME, MTIME);
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage), apiKey: 'test-key' });
  });

  afterEach(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  const review = (fresh?: boolean) =>
    engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts', ...(fresh ? { fresh } : {}) });

  /** Edits the file without changing its size, then puts its access and modification times back. */
  async function editKeepingSizeAndTimes(): Promise<void> {
    await writeFile(file, SWAPPED_SOURCE);
    await utimes(file, ATIME, MTIME);
    const info = await stat(file);
    assert.equal(info.size, Buffer.byteLength(MATH_SOURCE), 'precondition: same size');
    assert.equal(info.mtimeMs, MTIME.getTime(), 'precondition: same mtime');
  }

  /** Every request sent since `from` carried the edited file and none the old one. */
  function assertSentOnlyTheEdit(from: number): void {
    const sent = fake.requests.slice(from).map((request) => JSON.stringify(request.messages));
    assert.ok(sent.length > 0, 'Claude was called');
    for (const body of sent) {
      assert.ok(body.includes('b + a'), 'the edited content was sent');
      assert.ok(!body.includes('a + b'), 'the old content was not sent');
    }
  }

  it('misses after a same-size edit with the mtime restored, and names the file', async () => {
    await review();
    const hit = await review();
    assert.equal(hit.cached, true, 'precondition: an unchanged file is served from the cache');
    const callsBefore = fake.calls;

    await editKeepingSizeAndTimes();
    const edited = await review();
    assert.equal(edited.cached, false);
    assert.ok(fake.calls > callsBefore, 'Claude was asked again');
    assert.ok(
      edited.missReasons.some((reason) => reason.includes('src/math.ts')),
      `reasons: ${edited.missReasons.join(' | ')}`,
    );
    assert.ok(edited.steps.some((step) => step.layer === 'context' && step.source === 'compute'));
    assertSentOnlyTheEdit(callsBefore);

    const again = await review();
    assert.equal(again.cached, true, 'the answer for the edited file is kept');
  });

  it('sends the edited file on a fresh run after a same-size edit with the mtime restored', async () => {
    await review();
    const callsBefore = fake.calls;
    await editKeepingSizeAndTimes();
    const fresh = await review(true);
    assert.equal(fresh.cached, false);
    assertSentOnlyTheEdit(callsBefore);
  });
});
