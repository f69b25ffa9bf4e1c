import assert from 'node:assert/strict';
import type { ContextSnapshot } from '../../../../src/core/context';
import { contextKey } from '../../../../src/core/keys';
import {
  explainAndRecordMiss,
  missExplanationKey,
  missExplanationRecord,
  type MissExplanationRecord,
} from '../../../../src/core/run/missExplanation';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';
import { bindParams } from '../../../../src/core/workflows';
import { workflowOf } from '../../../helpers/workflowOf';
import { memoryOnlyCache } from '../../../helpers/memoryOnlyCache';

describe('the record that explains a miss', () => {
  let cache: TieredCache;

  beforeEach(async () => {
    ({ cache } = await memoryOnlyCache());
  });

  afterEach(async () => {
    await cache.close();
  });

  const record = (overrides: Partial<MissExplanationRecord> = {}): MissExplanationRecord => ({
    model: 'claude-sonnet-4-5',
    maxTokens: 4096,
    workflowVersion: 'v1',
    systemHash: 's',
    promptHash: 'p',
    paramsHash: 'a',
    parts: { 'file:a.ts': 'h1' },
    ...overrides,
  });

  it('lives under the context key records were always stored under, so earlier records still explain', () => {
    assert.equal(missExplanationKey('/ws', 'review-file', 'src/a.ts'), contextKey('/ws', 'review-file@src/a.ts#inputs'));
  });

  it('is built from hashes only, never the arguments themselves', () => {
    const workflow = workflowOf({ name: 'explain', template: 'Explain $ARGUMENTS' });
    const params = { args: ['password=hunter2'], inputs: {} };
    const snapshot: ContextSnapshot = { workspace: '/ws', hash: 'all', parts: [{ kind: 'file', id: 'a.ts', hash: 'h1', size: 1, content: 'a' }] };
    const built = missExplanationRecord({ model: 'm', maxTokens: 10, workflow, bound: bindParams(workflow, params), params, snapshot });
    assert.ok(!JSON.stringify(built).includes('hunter2'));
    assert.deepEqual(built.parts, { 'a.ts': 'h1' });
  });

  it('explains nothing and keeps the last record when the answer was a hit', async () => {
    const key = missExplanationKey('/ws', 'w', '');
    await cache.set('context', key, record());
    const reasons = await explainAndRecordMiss(cache, key, record({ model: 'other' }), [], false, false);
    assert.deepEqual(reasons, []);
    assert.equal((await cache.get<MissExplanationRecord>('context', key))?.value.model, 'claude-sonnet-4-5');
  });

  it('names what changed since the last paid run, then keeps this run\'s record for the next miss', async () => {
    const key = missExplanationKey('/ws', 'w', '');
    await cache.set('context', key, record());
    const reasons = await explainAndRecordMiss(cache, key, record({ model: 'claude-opus-4-5', paramsHash: 'b' }), [], false, true);
    assert.deepEqual(reasons, ['model changed (claude-sonnet-4-5 -> claude-opus-4-5)', 'the arguments changed']);
    assert.equal((await cache.get<MissExplanationRecord>('context', key))?.value.model, 'claude-opus-4-5');
  });

  it('names a changed or new part when nothing else changed, and says so when nothing did', async () => {
    const key = missExplanationKey('/ws', 'w', '');
    await cache.set('context', key, record());
    const parts = { 'file:a.ts': 'h2', 'file:b.ts': 'h3' };
    assert.deepEqual(await explainAndRecordMiss(cache, key, record({ parts }), [], false, true), ['file:a.ts changed', 'file:b.ts is new to this run']);
    assert.deepEqual(await explainAndRecordMiss(cache, key, record({ parts }), [], false, true), ['the cached answer expired or was invalidated']);
  });

  it('says a fresh answer was asked for, whatever changed', async () => {
    const key = missExplanationKey('/ws', 'w', '');
    assert.deepEqual(await explainAndRecordMiss(cache, key, record(), [], true, true), ['a fresh answer was asked for']);
  });
});
