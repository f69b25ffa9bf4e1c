import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { estimateTokensLow, minCacheableTokens } from './models';
import type { ProviderCacheTtl } from './usage';

/** The API accepts at most this many cache_control breakpoints in one request. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** What a request is made of, before it becomes API blocks. */
export interface PromptParts {
  model: string;
  system?: string;
  /** Stable, cacheable prefix parts, in order (files, snapshots, instructions that rarely change). */
  contextBlocks?: readonly string[];
  /** The varying part: always last, never cached. */
  prompt: string;
  providerCache: ProviderCacheTtl;
}

export interface PromptLayout {
  system: TextBlockParam[] | undefined;
  messages: MessageParam[];
  /** Estimated prefix length (tokens, low estimate) at each breakpoint placed, in order. */
  breakpointPrefixTokens: number[];
}

/**
 * Lays out system and user blocks so the stable prefix comes first and carries the cache breakpoints.
 * Candidates are the ends of the system prompt and of each context block; those whose prefix is shorter than
 * the model's minimum are dropped (the API would ignore them). Of the rest at most four are kept: always the
 * last one (it covers the most), then the earliest ones, so a change in a late context block still leaves the
 * system prompt and early blocks readable from the cache.
 */
export function layoutPrompt(parts: PromptParts): PromptLayout {
  const system: TextBlockParam[] = parts.system ? [{ type: 'text', text: parts.system }] : [];
  const context = (parts.contextBlocks ?? [])
    .filter((text) => text.length > 0)
    .map((text): TextBlockParam => ({ type: 'text', text }));
  const stable = [...system, ...context];

  const breakpointPrefixTokens: number[] = [];
  if (parts.providerCache !== 'off') {
    const minimum = minCacheableTokens(parts.model);
    let cumulative = 0;
    const eligible: Array<{ index: number; tokens: number }> = [];
    stable.forEach((block, index) => {
      cumulative += estimateTokensLow(block.text);
      if (cumulative >= minimum) eligible.push({ index, tokens: cumulative });
    });
    for (const chosen of chooseBreakpoints(eligible)) {
      const block = stable[chosen.index];
      if (block) block.cache_control = { type: 'ephemeral', ttl: parts.providerCache };
      breakpointPrefixTokens.push(chosen.tokens);
    }
  }

  const userContent: TextBlockParam[] = [...context, { type: 'text', text: parts.prompt }];
  return {
    system: system.length > 0 ? system : undefined,
    messages: [{ role: 'user', content: userContent }],
    breakpointPrefixTokens,
  };
}

function chooseBreakpoints<T>(eligible: readonly T[]): T[] {
  if (eligible.length <= MAX_CACHE_BREAKPOINTS) return [...eligible];
  return [...eligible.slice(0, MAX_CACHE_BREAKPOINTS - 1), eligible[eligible.length - 1] as T];
}
