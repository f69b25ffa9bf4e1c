import assert from 'node:assert/strict';
import { workflowOfKey } from '../../../../src/core/archive/archivedAnswers';
import { archivePicks } from '../../../../src/extension/archive/archivePicks';

describe('archivePicks', () => {
  it('names the workflow, says why and how long ago it was archived, and keeps the key', () => {
    const now = 1_700_000_000_000;
    const [pick] = archivePicks(
      [
        {
          layer: 'result',
          key: 'review-file:k1:abcd',
          workflow: 'review-file',
          size: 2048,
          createdAt: now - 3 * 3_600_000,
          expiresAt: now - 2 * 3_600_000,
          archivedAt: now - 5 * 60_000,
          reason: 'expired',
        },
      ],
      now,
    );
    assert.equal(pick?.label, '$(archive) review-file');
    assert.equal(pick?.description, 'expired 5 min ago · 2 KB');
    assert.match(pick?.detail ?? '', /review-file:k1:abcd$/);
    assert.equal(pick?.key, 'review-file:k1:abcd');
  });
});

describe('workflowOfKey', () => {
  it('reads the workflow from a result key, keeping a workflow file name whole', () => {
    assert.equal(workflowOfKey('review-file:k1:abcd'), 'review-file');
    assert.equal(workflowOfKey('frontend:lint:k1:abcd'), 'frontend:lint');
    assert.equal(workflowOfKey('odd'), 'odd');
  });
});
