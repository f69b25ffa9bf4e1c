import assert from 'node:assert/strict';
import { formatTuning } from '../../../src/cli/formatTuning';
import type { TuningStats } from '../../../src/core/tuning';

const HOUR = 3600;

function tuning(overrides: Partial<TuningStats> = {}): TuningStats {
  return {
    usageLog: 'surreal',
    ttlTuning: { enabled: false, ttlSeconds: { prompt: 24 * HOUR, module: 12 * HOUR, context: 6 * HOUR, result: HOUR }, changes: [] },
    providerCache: { mode: '5m', decisions: [] },
    ...overrides,
  };
}

describe('formatTuning (claude-cache stats)', () => {
  it('lists the TTLs as configured, the provider-cache setting and where the usage log lives', () => {
    assert.equal(
      formatTuning(tuning()),
      [
        'TTLs (as configured; tuning off): prompt 24 h, module 12 h, context 6 h, result 60 min',
        'provider cache: 5m',
        'usage log: SurrealDB',
      ].join('\n'),
    );
  });

  it('shows tuned TTLs with the latest change and its reason, and the choices of auto with their saving', () => {
    const text = formatTuning(
      tuning({
        usageLog: 'memory',
        ttlTuning: {
          enabled: true,
          ttlSeconds: { prompt: 24 * HOUR, module: 12 * HOUR, context: 6 * HOUR, result: 2 * HOUR },
          changes: [{ at: 0, layer: 'result', fromMs: HOUR * 1000, toMs: 2 * HOUR * 1000, reason: '5 of 8 expired entries were asked for again' }],
        },
        providerCache: {
          mode: 'auto',
          decisions: [
            {
              workflow: 'review-file',
              model: 'm',
              ttl: '1h',
              callsObserved: 5,
              repeatedPrefixCalls: 4,
              medianGapMs: 1,
              estimatedCostUsd: { off: 2.5, '5m': 1.75, '1h': 1.25 },
              savingVsOffUsd: 1.25,
              why: '',
            },
            {
              workflow: 'write-tests',
              model: 'm',
              ttl: 'off',
              callsObserved: 6,
              repeatedPrefixCalls: 0,
              medianGapMs: null,
              estimatedCostUsd: { off: 1, '5m': 1.25, '1h': 2 },
              savingVsOffUsd: 0,
              why: '',
            },
          ],
        },
      }),
    );
    assert.match(text, /^TTLs \(tuned\): .*result 2 h$/m);
    assert.match(text, /^last TTL change: result 60 min -> 2 h, 5 of 8 expired entries were asked for again$/m);
    assert.match(text, /^provider cache: auto; review-file 1h \(saves \$1\.25\), write-tests off$/m);
    assert.match(text, /^usage log: memory \(SurrealDB is off\)$/m);
    assert.match(formatTuning(tuning({ providerCache: { mode: 'auto', decisions: [] } })), /provider cache: auto \(off until/);
  });
});
