import type { ProviderCacheTtl, Usage } from '../claude';
import { ZERO_USAGE } from '../claude/usage';
import type { Dollars } from '../cost';
import { silentLogger, type Logger } from '../logger';
import type { UsageRecord } from '../usage/usageRecord';
import { formatMs } from './ttlTuner';

/**
 * How long a cached prefix lives after its last use. The API refreshes the lifetime each time the cached
 * content is read, at no extra cost, so a prefix stays cached while its calls come less than a TTL apart.
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching (5-minute default TTL refreshed on
 * every use; `ttl: "1h"`; 5m writes 1.25x input, 1h writes 2x, reads 0.1x — per model in the price table).
 */
const TTL_MS: Record<Exclude<ProviderCacheTtl, 'off'>, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** The candidates, in the order a tie is broken: no caching first, as it risks nothing. */
const CANDIDATES: readonly ProviderCacheTtl[] = ['off', '5m', '1h'];

/** What `auto` chose for a workflow on a model, and what the choice is expected to save. */
export interface ProviderCacheDecision {
  workflow: string;
  model: string;
  ttl: ProviderCacheTtl;
  /** Calls to Claude seen for the workflow on the model (within the window). */
  callsObserved: number;
  /** Of those, calls whose prefix (same content) had been sent before: the only ones a cache could serve. */
  repeatedPrefixCalls: number;
  /** Median time since the previous call with the same prefix, over the repeated calls; null when none repeated. */
  medianGapMs: number | null;
  /** Dollars each candidate would have cost for the prefixes of the observed calls; 'unknown' without prices. */
  estimatedCostUsd: Record<ProviderCacheTtl, Dollars>;
  /** Dollars the chosen TTL costs less than no provider caching over the observed calls (0 when `off` is chosen). */
  savingVsOffUsd: Dollars;
  why: string;
}

export interface ProviderCacheChoiceOptions {
  /** Dollars of a call with this usage on this model ('unknown' for a model without a price). */
  costOf: (model: string, usage: Usage) => Dollars;
  logger?: Logger;
  /**
   * Fewest calls seen for a workflow on a model before caching may be chosen; default 5. Below it the answer is
   * `off`: a write that is never read costs more than plain input, and a handful of calls is what it takes to see
   * whether prefixes repeat (one repeat within 5 minutes already pays for a 5m write, 1h needs two).
   */
  minCalls?: number;
  /** Calls remembered per workflow and model; default 100. */
  window?: number;
  /** Prefixes whose last call time is remembered; default 2000 (the oldest is forgotten first). */
  maxPrefixes?: number;
}

/** One call to Claude, as the choice needs it. */
interface ObservedCall {
  /** Time since the previous call with the same prefix content; null for a prefix not seen before. */
  sincePreviousMs: number | null;
  prefixTokens: number;
}

/**
 * Picks `off`, `5m` or `1h` for Anthropic's prompt cache per workflow and model, for `providerCache: auto`.
 *
 * A cached prefix only pays when the same content is sent again before it expires. In this product a call reaches
 * Claude only on a local miss, often because an input changed, so its prefix frequently never repeats; the
 * history is therefore keyed by the prefix content (`prefixHash`: model, system prompt, repeating documents),
 * and a call whose prefix was never sent before is a write under 5m or 1h that no read recovers. Only runs that
 * called Claude count (a local hit neither reads nor refreshes the provider's cache). Over the calls observed,
 * each candidate is priced per model: `off` at the plain input price; 5m and 1h at a write of their own price
 * when no earlier call with the same prefix came within the TTL, else a read. The cheapest wins, `off` included.
 */
export class ProviderCacheChoice {
  /** Per workflow and model: the calls seen, oldest first. */
  private readonly calls = new Map<string, { workflow: string; model: string; observed: ObservedCall[] }>();
  /** Per prefix: the time of its latest call (Map order = least recently used first). */
  private readonly lastCallAt = new Map<string, number>();
  private readonly decisions = new Map<string, ProviderCacheDecision>();
  private readonly logger: Logger;
  private readonly minCalls: number;
  private readonly window: number;
  private readonly maxPrefixes: number;

  constructor(private readonly options: ProviderCacheChoiceOptions) {
    this.logger = (options.logger ?? silentLogger).child('provider-cache');
    this.minCalls = options.minCalls ?? 5;
    this.window = options.window ?? 100;
    this.maxPrefixes = options.maxPrefixes ?? 2000;
  }

  observe(record: UsageRecord): void {
    if (record.upstreamCalls === 0 || record.prefixTokens <= 0) return;
    const id = workflowOnModel(record.workflow, record.model);
    // Records written before prefixHash existed fall back to the workflow on its file, the old approximation.
    const prefix = record.prefixHash ?? `${id}\u0000${record.request.file ?? ''}`;
    const previous = this.lastCallAt.get(prefix);
    this.lastCallAt.delete(prefix);
    this.lastCallAt.set(prefix, record.at);
    if (this.lastCallAt.size > this.maxPrefixes) this.lastCallAt.delete(this.lastCallAt.keys().next().value as string);

    const entry = this.calls.get(id) ?? { workflow: record.workflow, model: record.model, observed: [] };
    entry.observed.push({ sincePreviousMs: previous === undefined ? null : record.at - previous, prefixTokens: record.prefixTokens });
    if (entry.observed.length > this.window) entry.observed.shift();
    this.calls.set(id, entry);

    const decision = this.decide(entry.workflow, entry.model, entry.observed);
    const before = this.decisions.get(id);
    this.decisions.set(id, decision);
    if (before !== undefined && before.ttl !== decision.ttl) {
      this.logger.info(`${record.workflow} on ${record.model}: provider cache ${decision.ttl}; ${decision.why}`);
    }
  }

  /** The TTL for the next call of `workflow` on `model`: `off` until enough calls showed caching would pay. */
  ttlFor(workflow: string, model: string): ProviderCacheTtl {
    return this.decisions.get(workflowOnModel(workflow, model))?.ttl ?? 'off';
  }

  /** Every workflow's current decision, the largest saving first. */
  decisionsMade(): ProviderCacheDecision[] {
    return [...this.decisions.values()].sort((a, b) => numeric(b.savingVsOffUsd) - numeric(a.savingVsOffUsd));
  }

  private decide(workflow: string, model: string, observed: readonly ObservedCall[]): ProviderCacheDecision {
    const gaps = observed.flatMap((call) => (call.sincePreviousMs === null ? [] : [call.sincePreviousMs]));
    const sorted = [...gaps].sort((a, b) => a - b);
    const base = {
      workflow,
      model,
      callsObserved: observed.length,
      repeatedPrefixCalls: gaps.length,
      medianGapMs: sorted.length === 0 ? null : (sorted[Math.floor(sorted.length / 2)] as number),
    };
    const unknown = { off: 'unknown', '5m': 'unknown', '1h': 'unknown' } as const;

    const costs: Record<ProviderCacheTtl, number> = { off: 0, '5m': 0, '1h': 0 };
    for (const call of observed) {
      const price = (fields: Partial<Usage>): Dollars => this.options.costOf(model, { ...ZERO_USAGE, ...fields });
      const plain = price({ inputTokens: call.prefixTokens });
      const read = price({ cacheReadTokens: call.prefixTokens });
      const write5m = price({ cacheWrite5mTokens: call.prefixTokens });
      const write1h = price({ cacheWrite1hTokens: call.prefixTokens });
      if (plain === 'unknown' || read === 'unknown' || write5m === 'unknown' || write1h === 'unknown') {
        return { ...base, ttl: 'off', estimatedCostUsd: unknown, savingVsOffUsd: 'unknown', why: `${model} has no price, so no TTL can be shown to pay; off` };
      }
      const since = call.sincePreviousMs;
      costs.off += plain;
      costs['5m'] += since !== null && since <= TTL_MS['5m'] ? read : write5m;
      costs['1h'] += since !== null && since <= TTL_MS['1h'] ? read : write1h;
    }

    const within = (limit: number) => gaps.filter((gap) => gap <= limit).length;
    const seen =
      `${observed.length} calls, ${gaps.length} with a prefix sent before` +
      (base.medianGapMs === null ? '' : ` (median ${formatMs(base.medianGapMs)} after it; ${within(TTL_MS['5m'])} within 5 min, ${within(TTL_MS['1h'])} within 1 h)`);
    const priced = `5m would cost $${costs['5m'].toFixed(4)}, 1h $${costs['1h'].toFixed(4)}, no caching $${costs.off.toFixed(4)}`;
    if (observed.length < this.minCalls) {
      return {
        ...base,
        ttl: 'off',
        estimatedCostUsd: costs,
        savingVsOffUsd: 0,
        why: `${seen}: off until ${this.minCalls} calls show the prefix repeats (a cache write never read costs more than plain input)`,
      };
    }
    let ttl: ProviderCacheTtl = 'off';
    for (const candidate of CANDIDATES) if (costs[candidate] < costs[ttl]) ttl = candidate;
    const saving = costs.off - costs[ttl];
    const why =
      `${seen}: ${priced}; ` +
      (ttl === 'off' ? 'no caching is cheapest (prefixes seldom repeat within a TTL)' : `expected saving $${saving.toFixed(4)}`);
    return { ...base, ttl, estimatedCostUsd: costs, savingVsOffUsd: saving, why };
  }
}

function workflowOnModel(workflow: string, model: string): string {
  return `${workflow}\u0000${model}`;
}

function numeric(value: Dollars): number {
  return value === 'unknown' ? Number.NEGATIVE_INFINITY : value;
}
