import type { ProviderCacheTtl, Usage } from '../claude';
import { ZERO_USAGE } from '../claude/usage';
import type { Dollars } from '../cost';
import { silentLogger, type Logger } from '../logger';
import type { UsageRecord } from '../usage/usageRecord';
import { formatMs } from './ttlTuner';

const FIVE_MINUTES = 5 * 60_000;
const ONE_HOUR = 60 * 60_000;

/** What `auto` chose for one prompt prefix, and what the choice is expected to save. */
export interface ProviderCacheDecision {
  /** The prefix: a workflow (its system prompt and documents lead every call it makes) on a model. */
  workflow: string;
  model: string;
  ttl: Exclude<ProviderCacheTtl, 'off'>;
  /** Gaps between the calls observed, in milliseconds. */
  gapsObserved: number;
  medianGapMs: number | null;
  /** Dollars the chosen TTL costs less than the other one over the observed calls; 'unknown' without prices. */
  savingVsOtherUsd: Dollars;
  /** Dollars the chosen TTL costs less than no provider caching over the observed calls. */
  savingVsOffUsd: Dollars;
  why: string;
}

export interface ProviderCacheChoiceOptions {
  /** Dollars of a call with this usage on this model ('unknown' for a model without a price). */
  costOf: (model: string, usage: Usage) => Dollars;
  logger?: Logger;
  /** Fewest gaps before the choice leaves the 5m default; default 3. */
  minGaps?: number;
  /** Calls remembered per prefix; default 50. */
  window?: number;
}

interface PrefixHistory {
  workflow: string;
  model: string;
  prefixTokens: number;
  callTimes: number[];
}

/**
 * Picks 5m or 1h for Anthropic's prompt cache per workflow and model, for `providerCache: auto`. A prefix is a
 * workflow's system prompt and documents, so calls share one when they run the same workflow on the same file;
 * the gaps are taken per such prefix, and only between runs that called Claude (a local hit does not refresh
 * the provider's cache). Over the observed gaps, each TTL costs a write when the gap outlived it (5m: 1.25x
 * input, 1h: 2x; per model from the price table) and a read (0.1x) when it did not; the cheaper one wins for
 * the workflow.
 */
export class ProviderCacheChoice {
  private readonly prefixes = new Map<string, PrefixHistory>();
  private readonly decisions = new Map<string, ProviderCacheDecision>();
  private readonly logger: Logger;
  private readonly minGaps: number;
  private readonly window: number;

  constructor(private readonly options: ProviderCacheChoiceOptions) {
    this.logger = (options.logger ?? silentLogger).child('provider-cache');
    this.minGaps = options.minGaps ?? 3;
    this.window = options.window ?? 50;
  }

  observe(record: UsageRecord): void {
    if (record.upstreamCalls === 0 || record.prefixTokens <= 0) return;
    const prefix = `${prefixId(record.workflow, record.model)}\u0000${record.request.file ?? ''}`;
    const history = this.prefixes.get(prefix) ?? { workflow: record.workflow, model: record.model, prefixTokens: 0, callTimes: [] };
    history.prefixTokens = record.prefixTokens;
    history.callTimes.push(record.at);
    if (history.callTimes.length > this.window) history.callTimes.shift();
    this.prefixes.set(prefix, history);
    const id = prefixId(record.workflow, record.model);
    const decision = this.decide(record.workflow, record.model);
    const previous = this.decisions.get(id);
    this.decisions.set(id, decision);
    if (previous?.ttl !== decision.ttl && decision.gapsObserved >= this.minGaps) {
      this.logger.info(`${record.workflow} on ${record.model}: provider cache ${decision.ttl}; ${decision.why}`);
    }
  }

  /** The TTL for the next call of `workflow` on `model`: 5m until enough gaps were seen. */
  ttlFor(workflow: string, model: string): Exclude<ProviderCacheTtl, 'off'> {
    return this.decisions.get(prefixId(workflow, model))?.ttl ?? '5m';
  }

  /** Every prefix's current decision, the largest saving first. */
  decisionsMade(): ProviderCacheDecision[] {
    return [...this.decisions.values()].sort((a, b) => numeric(b.savingVsOffUsd) - numeric(a.savingVsOffUsd));
  }

  private decide(workflow: string, model: string): ProviderCacheDecision {
    const histories = [...this.prefixes.values()].filter((history) => history.workflow === workflow && history.model === model);
    const gapsOf = (history: PrefixHistory) => history.callTimes.slice(1).map((time, index) => time - (history.callTimes[index] as number));
    const gaps = histories.flatMap(gapsOf);
    const sorted = [...gaps].sort((a, b) => a - b);
    const medianGapMs = sorted.length === 0 ? null : (sorted[Math.floor(sorted.length / 2)] as number);
    const base = { workflow, model, gapsObserved: gaps.length, medianGapMs };
    if (gaps.length < this.minGaps) {
      return { ...base, ttl: '5m', savingVsOtherUsd: 0, savingVsOffUsd: 0, why: `${gaps.length} gaps seen, 5m until ${this.minGaps}` };
    }
    let cost5m = 0;
    let cost1h = 0;
    let costOff = 0;
    let calls = 0;
    for (const history of histories) {
      const price = (fields: Partial<Usage>): Dollars => this.options.costOf(model, { ...ZERO_USAGE, ...fields });
      const tokens = history.prefixTokens;
      const plain = price({ inputTokens: tokens });
      const read = price({ cacheReadTokens: tokens });
      const write5m = price({ cacheWrite5mTokens: tokens });
      const write1h = price({ cacheWrite1hTokens: tokens });
      if (plain === 'unknown' || read === 'unknown' || write5m === 'unknown' || write1h === 'unknown') {
        return { ...base, ttl: '5m', savingVsOtherUsd: 'unknown', savingVsOffUsd: 'unknown', why: `${model} has no price; 5m` };
      }
      // The first call writes under either TTL (at its own price); each later one reads if the gap was short enough.
      const own = gapsOf(history);
      cost5m += own.reduce((sum, gap) => sum + (gap <= FIVE_MINUTES ? read : write5m), write5m);
      cost1h += own.reduce((sum, gap) => sum + (gap <= ONE_HOUR ? read : write1h), write1h);
      costOff += (own.length + 1) * plain;
      calls += own.length + 1;
    }
    const ttl = cost1h < cost5m ? '1h' : '5m';
    const chosen = Math.min(cost5m, cost1h);
    const within = (limit: number) => gaps.filter((gap) => gap <= limit).length;
    const prefixes = histories.length === 1 ? `a ${histories[0]?.prefixTokens}-token prefix` : `${histories.length} prefixes`;
    const why =
      `${calls} calls, ${gaps.length} gaps (median ${formatMs(medianGapMs ?? 0)}; ${within(FIVE_MINUTES)} within 5 min, ${within(ONE_HOUR)} within 1 h) ` +
      `over ${prefixes}: 5m would cost $${cost5m.toFixed(4)}, 1h $${cost1h.toFixed(4)}, no caching $${costOff.toFixed(4)}; ` +
      `expected saving $${(costOff - chosen).toFixed(4)}` +
      (costOff < chosen ? ' (calls this far apart would cost less with providerCache off)' : '');
    return {
      ...base,
      ttl,
      savingVsOtherUsd: Math.max(cost5m, cost1h) - chosen,
      savingVsOffUsd: costOff - chosen,
      why,
    };
  }
}

function prefixId(workflow: string, model: string): string {
  return `${workflow}\u0000${model}`;
}

function numeric(value: Dollars): number {
  return value === 'unknown' ? Number.NEGATIVE_INFINITY : value;
}
