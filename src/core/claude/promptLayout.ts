import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { estimateTokensLow, minCacheableTokens } from '../models';
import type { ProviderCacheTtl } from './usage';

/** The API accepts at most this many cache_control breakpoints in one request. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** What a request is made of, before it becomes API blocks. */
export interface PromptParts {
  model: string;
  system?: string;
  /** Prefix parts, in order (files, snapshots, instructions that rarely change, then one-off parts). */
  contextBlocks?: readonly string[];
  /** How many leading context blocks will be sent again and so may carry a breakpoint; default all. */
  cacheableBlocks?: number;
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
  // The API refuses text blocks with no non-whitespace text, so empty parts are left out rather than sent.
  const system: TextBlockParam[] = hasText(parts.system) ? [{ type: 'text', text: parts.system }] : [];
  const blocks = parts.contextBlocks ?? [];
  const cacheableCount = Math.min(parts.cacheableBlocks ?? blocks.length, blocks.length);
  const context = blocks
    .map((text, index) => ({ text, cacheable: index < cacheableCount }))
    .filter((block) => hasText(block.text));
  const contextParams = context.map((block): TextBlockParam => ({ type: 'text', text: block.text }));
  // Breakpoints go only on the prefix that will be sent again: the system prompt and the repeating documents.
  const stable = [...system, ...contextParams.filter((_, index) => context[index]?.cacheable)];

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

  const userContent: TextBlockParam[] = [...contextParams, { type: 'text', text: parts.prompt }];
  return {
    system: system.length > 0 ? system : undefined,
    messages: [{ role: 'user', content: userContent }],
    breakpointPrefixTokens,
  };
}

function hasText(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '';
}

function chooseBreakpoints<T>(eligible: readonly T[]): T[] {
  if (eligible.length <= MAX_CACHE_BREAKPOINTS) return [...eligible];
  return [...eligible.slice(0, MAX_CACHE_BREAKPOINTS - 1), eligible[eligible.length - 1] as T];
}
