import { costOfUsage } from '../../src/core/cost/costOfUsage';
import { ZERO_USAGE, type Usage } from '../../src/core/claude/usage';
import { resolvePrices } from '../../src/core/models/prices';

/**
 * Provider-cache lifetimes as the prompt-caching page gives them: 5 minutes by default, 1 hour on request, each
 * refreshed whenever the cached prefix is read
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching, read 2026-12-06).
 */
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** One Claude call of the request stream, as the oracle prices it. */
export interface OracleCall {
  at: number;
  model: string;
  /** Identity of the cacheable prefix (system prompt and repeating documents); '' when there is none. */
  prefixKey: string;
  /** Tokens of that prefix (0 below the model's minimum cacheable length). */
  prefixTokens: number;
  /** All input tokens of the call, prefix included. */
  inputTokens: number;
  outputTokens: number;
}

export type ProviderChoice = 'none' | '5m' | '1h';

export interface OracleCost {
  /** Dollars with no provider caching. */
  plainUsd: number;
  /** Dollars with the hindsight-optimal choice per call. */
  optimalUsd: number;
  /** How many calls each choice was given. */
  choices: Record<ProviderChoice, number>;
}

/** Dollars of one call billed as `usage` on `model`; throws for a model without a price (the bench needs one). */
export function dollarsOf(model: string, usage: Partial<Usage>): number {
  const prices = resolvePrices(model);
  if (!prices) throw new Error(`cost oracle: ${model} has no price in the model table`);
  return costOfUsage({ ...ZERO_USAGE, ...usage }, prices);
}

/** Dollars of a call with no provider caching. */
export function plainDollars(call: Pick<OracleCall, 'model' | 'inputTokens' | 'outputTokens'>): number {
  return dollarsOf(call.model, { inputTokens: call.inputTokens, outputTokens: call.outputTokens });
}

/**
 * The hindsight-optimal provider-cache choice for every call of a stream: per call none, 5m or 1h, whichever
 * makes the whole stream cheapest given the calls that follow. Calls with the same prefix are chained: a call
 * that asks for caching reads the prefix when an earlier cached copy is still alive (and refreshes it for its own
 * TTL), else writes it at that TTL's price; a call that asks for none pays plain input and leaves the cached copy
 * as it was. Solved per prefix by dynamic programming over the copy's expiry time, dominated states pruned.
 */
export function optimalProviderCost(calls: readonly OracleCall[]): OracleCost {
  const byPrefix = new Map<string, OracleCall[]>();
  let plainUsd = 0;
  let optimalUsd = 0;
  const choices: Record<ProviderChoice, number> = { none: 0, '5m': 0, '1h': 0 };
  for (const call of calls) {
    plainUsd += plainDollars(call);
    if (call.prefixKey === '' || call.prefixTokens <= 0) {
      optimalUsd += plainDollars(call);
      choices.none++;
      continue;
    }
    const list = byPrefix.get(call.prefixKey) ?? [];
    list.push(call);
    byPrefix.set(call.prefixKey, list);
  }
  for (const list of byPrefix.values()) {
    list.sort((a, b) => a.at - b.at);
    const best = chainOptimum(list);
    optimalUsd += best.usd;
    for (const choice of best.choices) choices[choice]++;
  }
  return { plainUsd, optimalUsd, choices };
}

interface ChainState {
  /** When the cached copy expires (-Infinity: none). */
  expiry: number;
  usd: number;
  choices: ProviderChoice[];
}

function chainOptimum(calls: readonly OracleCall[]): { usd: number; choices: ProviderChoice[] } {
  let states: ChainState[] = [{ expiry: Number.NEGATIVE_INFINITY, usd: 0, choices: [] }];
  for (const call of calls) {
    const rest = call.inputTokens - call.prefixTokens;
    const cost = (prefixAs: 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens'): number =>
      dollarsOf(call.model, { inputTokens: rest, outputTokens: call.outputTokens, [prefixAs]: call.prefixTokens });
    const plain = plainDollars(call);
    const read = cost('cacheReadTokens');
    const write = { '5m': cost('cacheWrite5mTokens'), '1h': cost('cacheWrite1hTokens') };
    const next: ChainState[] = [];
    for (const state of states) {
      next.push({ expiry: state.expiry, usd: state.usd + plain, choices: [...state.choices, 'none'] });
      for (const ttl of ['5m', '1h'] as const) {
        const alive = call.at <= state.expiry;
        next.push({
          expiry: alive ? Math.max(state.expiry, call.at + TTL_MS[ttl]) : call.at + TTL_MS[ttl],
          usd: state.usd + (alive ? read : write[ttl]),
          choices: [...state.choices, ttl],
        });
      }
    }
    // Keep only states no other beats on both cost and expiry (a later expiry never hurts).
    next.sort((a, b) => b.expiry - a.expiry || a.usd - b.usd);
    states = [];
    let cheapest = Number.POSITIVE_INFINITY;
    for (const state of next) {
      if (state.usd < cheapest - 1e-15) {
        states.push(state);
        cheapest = state.usd;
      }
    }
  }
  const best = states.reduce((a, b) => (b.usd < a.usd ? b : a));
  return { usd: best.usd, choices: best.choices };
}
