import { LAYERS, SHARED_TIERS, type Layer } from '../layers';
import { tierLabel } from '../tiers/tierRegistry';
import type { Alert, AlertSample } from './alert';
import type { AlertRules } from './alertRules';


function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(1))} %`;
}

/**
 * The rules broken between `from` (the window's start; undefined = since counting began) and `to` (now). Rates
 * need a minimum number of events in the window, so a cold start's first misses raise nothing.
 */
export function evaluateAlerts(from: AlertSample | undefined, to: AlertSample, rules: AlertRules): Alert[] {
  const alerts: Alert[] = [];
  const since = (now: number, then: number | undefined) => Math.max(0, now - (then ?? 0));

  for (const layer of LAYERS) {
    const hits = since(to.layers[layer].hits, from?.layers[layer].hits);
    const misses = since(to.layers[layer].misses, from?.layers[layer].misses);
    const lookups = hits + misses;
    const target = rules.hitRateTargets[layer];
    if (lookups < rules.minLookups) continue;
    const rate = hits / lookups;
    if (rate < target) {
      alerts.push({
        kind: 'hitRate',
        subject: layer,
        value: rate,
        threshold: target,
        message: `${layer} layer hit rate is ${percent(rate)} over ${lookups} lookups, below its ${percent(target)} target`,
      });
    }
  }

  const writes = since(to.memoryWrites, from?.memoryWrites);
  const evictions = since(to.evictions, from?.evictions);
  if (writes >= rules.minWrites && evictions / writes > rules.maxEvictionRatio) {
    alerts.push({
      kind: 'evictions',
      subject: 'memory',
      value: evictions / writes,
      threshold: rules.maxEvictionRatio,
      message: `memory evicted ${evictions} entries for ${writes} writes; its budget is too small for the work (raise claudeCache.layers.<layer>.memoryBudgetMB)`,
    });
  }

  const memory = memoryUse(to.memory);
  if (memory.budgetBytes > 0 && memory.bytes / memory.budgetBytes > rules.maxMemoryShare) {
    const share = memory.bytes / memory.budgetBytes;
    alerts.push({
      kind: 'memory',
      subject: 'memory',
      value: share,
      threshold: rules.maxMemoryShare,
      message: `memory tier is at ${percent(share)} of its budget (fullest: ${memory.fullest} layer)`,
    });
  }

  for (const tier of SHARED_TIERS) {
    const operations = since(to.tiers[tier].operations, from?.tiers[tier].operations);
    const errors = since(to.tiers[tier].errors, from?.tiers[tier].errors);
    if (operations < rules.minTierOperations) continue;
    const rate = errors / operations;
    if (rate > rules.maxTierErrorRate) {
      alerts.push({
        kind: 'tierErrors',
        subject: tier,
        value: rate,
        threshold: rules.maxTierErrorRate,
        message: `${tierLabel(tier)} failed ${errors} of ${operations} operations (${percent(rate)}, above ${percent(rules.maxTierErrorRate)})`,
      });
    }
  }
  return alerts;
}

function memoryUse(memory: AlertSample['memory']): { bytes: number; budgetBytes: number; fullest: Layer } {
  let bytes = 0;
  let budgetBytes = 0;
  let fullest: Layer = 'prompt';
  let fullestShare = -1;
  for (const layer of LAYERS) {
    const use = memory[layer];
    bytes += use.bytes;
    budgetBytes += use.budgetBytes;
    const share = use.budgetBytes > 0 ? use.bytes / use.budgetBytes : 0;
    if (share > fullestShare) {
      fullestShare = share;
      fullest = layer;
    }
  }
  return { bytes, budgetBytes, fullest };
}
