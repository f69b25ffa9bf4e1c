import type { ModelFacts, ModelPrices, ModelRecord, TokenRates } from './modelRecord';

/*
 * THE model table: the only place model ids, prices, limits and lifecycle dates are written down. Everything
 * else (price lookups, cache minimums, alias resolution, DEFAULT_MODEL) reads it.
 *
 * Checked on TABLE_CHECKED_ON against these pages (docs pages disagree over time; the newest dated one wins):
 *  - models overview, https://platform.claude.com/docs/en/models/overview (newest copies, Oct-Dec 2026, list
 *    Fable 5.1/5.2, Opus 5.5, Sonnet 5.5, Haiku 5.5; older copies still show Opus 5 / Sonnet 5 / Haiku 4.5),
 *    and each model page https://platform.claude.com/docs/en/models/<model>/overview (context window, max
 *    output, thinking, default effort);
 *  - pricing, https://platform.claude.com/docs/en/about-claude/pricing (and the prices on each model page);
 *  - prompt caching, https://platform.claude.com/docs/en/build-with-claude/prompt-caching (minimum cacheable
 *    prompt length; its supportedModels list confirms every current id below);
 *  - deprecations, https://platform.claude.com/docs/en/about-claude/model-deprecations (retirement dates and
 *    recommended replacements);
 *  - @anthropic-ai/sdk 1.12.0 (2026-11-20): the `Model` type in resources/messages/messages.d.ts and
 *    src/internal/data/deprecated-models.ts.
 */
export const TABLE_CHECKED_ON = '2026-12-06';
export const PRICING_PAGE = 'https://platform.claude.com/docs/en/about-claude/pricing';
const OVERVIEW = 'https://platform.claude.com/docs/en/models/overview';
const DEPRECATIONS = 'https://platform.claude.com/docs/en/about-claude/model-deprecations';

const K = 1000;
const M = 1_000_000;

function rates(input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): TokenRates {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

function facts(
  contextWindow: number,
  maxOutputTokens: number,
  defaultMaxTokens: number,
  thinksByDefault: boolean,
  minCacheableTokens: number,
): ModelFacts {
  return { contextWindow, maxOutputTokens, defaultMaxTokens, thinksByDefault, minCacheableTokens };
}

/*
 * Prices (USD per million tokens: input, output, 5m write, 1h write, cache read), pricing page and model pages
 * as of 2026-12. Most models use the usual multipliers (5m write 1.25x input, 1h write 2x, read 0.1x); the
 * exceptions are kept as published: Opus 5.5 and Sonnet 5.5 read at 0.05x (Sonnet 5.5 since the 2026-10-07
 * cut from $0.20 to $0.10), Fable/Mythos 5.1 and 5.2 at 0.025x. Haiku 5.5 charges every token of a call at
 * its higher tier once the prompt passes 100 000 tokens (model page, Oct 2026). claude-mythos-preview has no
 * public price and stays unknown on purpose.
 */
const FABLE_5_2 = rates(8, 40, 10, 16, 0.2);
const FABLE_5_1 = rates(10, 50, 12.5, 20, 0.25);
const FABLE_5 = rates(10, 50, 12.5, 20, 1);
const OPUS_5_5 = rates(4, 20, 5, 8, 0.2);
const OPUS_5_CLASS = rates(5, 25, 6.25, 10, 0.5);
const OPUS_4_1_CLASS = rates(15, 75, 18.75, 30, 1.5);
const SONNET_5_5 = rates(2, 10, 2.5, 4, 0.1);
const SONNET_5 = rates(2, 10, 2.5, 4, 0.2);
const SONNET_4_CLASS = rates(3, 15, 3.75, 6, 0.3);
const HAIKU_5_5: ModelPrices = {
  ...rates(0.1, 0.5, 0.125, 0.2, 0.01),
  longPrompt: { aboveTokens: 100_000, ...rates(0.5, 2.5, 0.625, 1, 0.05) },
};
const HAIKU_4_5 = rates(1, 5, 1.25, 2, 0.1);
const HAIKU_3_5 = rates(0.8, 4, 1, 1.6, 0.08);
const HAIKU_3 = rates(0.25, 1.25, 0.3, 0.5, 0.03);

/*
 * Minimum cacheable prompt length (prompt-caching page; the Oct 2026 copy lists 512 for Opus 5.5, Sonnet 5.5,
 * Opus 5, Fable 5 and 5.1, Mythos 5 and 5.1; 1024 for Opus 4.8, Sonnet 5, Sonnet 4.6 and 4.5; 2048 for Opus
 * 4.7 and Mythos Preview; 4096 for Opus 4.6, Opus 4.5 and Haiku 4.5). Where copies disagree (an older copy and
 * our previous table had 1024 for Sonnet 5.5) we keep the LOWER figure: a breakpoint under the real minimum
 * costs nothing, a missing one loses the read discount. Fable/Mythos 5.2 and Haiku 5.5 have no published figure
 * in the pages we could read; they take 512, the figure of every other 5.5-generation model, for that reason.
 *
 * Default max_tokens: the 5.x models think by default (model pages: "Adaptive (always on)" for Fable/Mythos 5.x
 * and Opus 5.5, "Adaptive" and on by default for Opus 5, Sonnet 5, Sonnet 5.5 and Haiku 5.5) and max_tokens caps
 * thinking plus text, so they get 64K (Opus/Fable/Mythos, high or always-on thinking) or 32K (Sonnet/Haiku); the
 * 4.x models think only when asked and get 16K. All stay under each model's max output (checked by a test).
 */
export const MODEL_TABLE: readonly ModelRecord[] = Object.freeze([
  // Fable 5.2 / Mythos 5.2: released 2026-11-09, 1M context, 128K output, $8/$40 (model pages, Nov 2026).
  {
    id: 'claude-fable-5-2', otherIds: [], family: 'fable', version: '5.2', displayName: 'Claude Fable 5.2',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: FABLE_5_2, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/fable-5-2/overview', sdkListed: true,
  },
  {
    id: 'claude-mythos-5-2', otherIds: [], family: 'mythos', version: '5.2', displayName: 'Claude Mythos 5.2',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: FABLE_5_2, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/fable-5-2/overview', sdkListed: true,
  },
  {
    id: 'claude-fable-5-1', otherIds: [], family: 'fable', version: '5.1', displayName: 'Claude Fable 5.1',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: FABLE_5_1, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/fable-5-1/overview', sdkListed: true,
  },
  {
    id: 'claude-mythos-5-1', otherIds: [], family: 'mythos', version: '5.1', displayName: 'Claude Mythos 5.1',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: FABLE_5_1, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/fable-5-1/overview', sdkListed: true,
  },
  // Fable 5 / Mythos 5: legacy since Fable 5.1, 1M / 128K, $10/$50, $1 read (model page, Fable 5 overview).
  {
    id: 'claude-fable-5', otherIds: [], family: 'fable', version: '5', displayName: 'Claude Fable 5',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: FABLE_5, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/fable-5/overview', sdkListed: true,
  },
  {
    id: 'claude-mythos-5', otherIds: [], family: 'mythos', version: '5', displayName: 'Claude Mythos 5',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: FABLE_5, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/mythos-5/overview', sdkListed: true,
  },
  // SDK 1.12 data/deprecated-models.ts: end of life June 30th, 2026; the deprecations page (2026-09) named
  // claude-mythos-5 as the migration target. Retired before this table was checked, so no facts are kept.
  {
    id: 'claude-mythos-preview', otherIds: [], family: 'mythos', version: 'preview', displayName: 'Claude Mythos Preview',
    lifecycle: { retiresOn: '2026-06-30', replacement: 'claude-mythos-5' },
    source: DEPRECATIONS, sdkListed: true,
  },
  // Opus 5.5: 1M / 128K, $4/$20, $0.20 read, thinking always on, default effort medium (model page, Oct 2026).
  {
    id: 'claude-opus-5-5', otherIds: [], family: 'opus', version: '5.5', displayName: 'Claude Opus 5.5',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: OPUS_5_5, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/opus-5-5/overview', sdkListed: true,
  },
  // Opus 5: legacy, released 2026-07-24, 1M / 128K, thinking on by default (model page and migration guide).
  {
    id: 'claude-opus-5', otherIds: [], family: 'opus', version: '5', displayName: 'Claude Opus 5',
    facts: facts(M, 128 * K, 64 * K, true, 512), prices: OPUS_5_CLASS, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/opus-5/overview', sdkListed: true,
  },
  // Opus 4.8 / 4.7 / 4.6: legacy, 1M / 128K, $5/$25 (model pages, 2026); adaptive thinking only when asked.
  {
    id: 'claude-opus-4-8', otherIds: [], family: 'opus', version: '4.8', displayName: 'Claude Opus 4.8',
    facts: facts(M, 128 * K, 16 * K, false, 1024), prices: OPUS_5_CLASS, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/opus-4-8/overview', sdkListed: true,
  },
  {
    id: 'claude-opus-4-7', otherIds: [], family: 'opus', version: '4.7', displayName: 'Claude Opus 4.7',
    facts: facts(M, 128 * K, 16 * K, false, 2048), prices: OPUS_5_CLASS, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/opus-4-7/overview', sdkListed: true,
  },
  {
    id: 'claude-opus-4-6', otherIds: [], family: 'opus', version: '4.6', displayName: 'Claude Opus 4.6',
    facts: facts(M, 128 * K, 16 * K, false, 4096), prices: OPUS_5_CLASS, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/opus-4-6/overview', sdkListed: true,
  },
  // Opus 4.5: 200K / 64K. Deprecated 2026-11-23, retiring 2027-01-22, replacement claude-opus-5-5 (deprecations
  // page as read on 2026-11-26); the retirement covers the undated alias too.
  {
    id: 'claude-opus-4-5', otherIds: ['claude-opus-4-5-20251101'], family: 'opus', version: '4.5', displayName: 'Claude Opus 4.5',
    facts: facts(200 * K, 64 * K, 16 * K, false, 4096), prices: OPUS_5_CLASS,
    lifecycle: { deprecatedOn: '2026-11-23', retiresOn: '2027-01-22', replacement: 'claude-opus-5-5' },
    source: 'https://platform.claude.com/docs/en/models/opus-4-5/overview', sdkListed: true,
  },
  // Retired Opus models (deprecations page history): kept so a workflow naming one gets a clear refusal.
  {
    id: 'claude-opus-4-1', otherIds: ['claude-opus-4-1-20250805'], family: 'opus', version: '4.1', displayName: 'Claude Opus 4.1',
    prices: OPUS_4_1_CLASS,
    lifecycle: { deprecatedOn: '2026-06-05', retiresOn: '2026-08-05', replacement: 'claude-opus-4-8' },
    source: DEPRECATIONS, sdkListed: false,
  },
  {
    id: 'claude-opus-4-0', otherIds: ['claude-opus-4-20250514'], family: 'opus', version: '4', displayName: 'Claude Opus 4',
    prices: OPUS_4_1_CLASS,
    lifecycle: { deprecatedOn: '2026-04-14', retiresOn: '2026-06-15', replacement: 'claude-opus-4-8' },
    source: DEPRECATIONS, sdkListed: false,
  },
  {
    id: 'claude-3-opus-20240229', otherIds: ['claude-3-opus-latest'], family: 'opus', version: '3', displayName: 'Claude Opus 3',
    prices: OPUS_4_1_CLASS,
    lifecycle: { deprecatedOn: '2025-06-30', retiresOn: '2026-01-05', replacement: 'claude-opus-4-8' },
    source: DEPRECATIONS, sdkListed: false,
  },
  // Sonnet 5.5: "the best combination of speed and intelligence", Latest; 1M / 128K, $2/$10, adaptive thinking
  // on by default, default effort high (model page, Oct 2026). DEFAULT_MODEL.
  {
    id: 'claude-sonnet-5-5', otherIds: [], family: 'sonnet', version: '5.5', displayName: 'Claude Sonnet 5.5',
    facts: facts(M, 128 * K, 32 * K, true, 512), prices: SONNET_5_5, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/sonnet-5-5/overview', sdkListed: true,
  },
  // Sonnet 5: legacy, released 2026-06-30, 1M / 128K, adaptive thinking on by default (model page).
  {
    id: 'claude-sonnet-5', otherIds: [], family: 'sonnet', version: '5', displayName: 'Claude Sonnet 5',
    facts: facts(M, 128 * K, 32 * K, true, 1024), prices: SONNET_5, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/sonnet-5/overview', sdkListed: true,
  },
  // Sonnet 4.6: 1M context. Max output: 64K on the pricing overviews of early 2026; a later SDK note says 128K.
  // We keep the lower figure, so a default or a cap we derive from it is never refused.
  {
    id: 'claude-sonnet-4-6', otherIds: [], family: 'sonnet', version: '4.6', displayName: 'Claude Sonnet 4.6',
    facts: facts(M, 64 * K, 16 * K, false, 1024), prices: SONNET_4_CLASS, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/sonnet-4-6/overview', sdkListed: true,
  },
  // Sonnet 4.5: end of life November 30th, 2026 (SDK 1.12 DEPRECATED_MODELS, which warns on every call). The
  // deprecations row with its recommended replacement was not in the stored pages; we name the current Sonnet.
  {
    id: 'claude-sonnet-4-5', otherIds: ['claude-sonnet-4-5-20250929'], family: 'sonnet', version: '4.5', displayName: 'Claude Sonnet 4.5',
    facts: facts(200 * K, 64 * K, 16 * K, false, 1024), prices: SONNET_4_CLASS,
    lifecycle: { retiresOn: '2026-11-30', replacement: 'claude-sonnet-5-5' },
    source: DEPRECATIONS, sdkListed: true,
  },
  {
    id: 'claude-sonnet-4-0', otherIds: ['claude-sonnet-4-20250514'], family: 'sonnet', version: '4', displayName: 'Claude Sonnet 4',
    prices: SONNET_4_CLASS,
    lifecycle: { deprecatedOn: '2026-04-14', retiresOn: '2026-06-15', replacement: 'claude-sonnet-4-6' },
    source: DEPRECATIONS, sdkListed: false,
  },
  {
    id: 'claude-3-7-sonnet-20250219', otherIds: ['claude-3-7-sonnet-latest'], family: 'sonnet', version: '3.7', displayName: 'Claude Sonnet 3.7',
    prices: SONNET_4_CLASS,
    lifecycle: { deprecatedOn: '2025-10-28', retiresOn: '2026-02-19', replacement: 'claude-sonnet-4-6' },
    source: DEPRECATIONS, sdkListed: false,
  },
  {
    id: 'claude-3-5-sonnet-20241022', otherIds: ['claude-3-5-sonnet-20240620', 'claude-3-5-sonnet-latest'], family: 'sonnet',
    version: '3.5', displayName: 'Claude Sonnet 3.5', prices: SONNET_4_CLASS,
    lifecycle: { deprecatedOn: '2025-08-13', retiresOn: '2025-10-28', replacement: 'claude-sonnet-4-6' },
    source: DEPRECATIONS, sdkListed: false,
  },
  // Haiku 5.5: released 2026-10-07, 1M / 128K, from $0.10/$0.50 with a 100K-token long-prompt tier, adaptive
  // thinking, default effort medium (model page, Oct 2026).
  {
    id: 'claude-haiku-5-5', otherIds: [], family: 'haiku', version: '5.5', displayName: 'Claude Haiku 5.5',
    facts: facts(M, 128 * K, 32 * K, true, 512), prices: HAIKU_5_5, lifecycle: {},
    source: 'https://platform.claude.com/docs/en/models/haiku-5-5/overview', sdkListed: true,
  },
  // Haiku 4.5: 200K / 64K, extended thinking only when asked (overview table).
  {
    id: 'claude-haiku-4-5', otherIds: ['claude-haiku-4-5-20251001'], family: 'haiku', version: '4.5', displayName: 'Claude Haiku 4.5',
    facts: facts(200 * K, 64 * K, 16 * K, false, 4096), prices: HAIKU_4_5, lifecycle: {},
    source: OVERVIEW, sdkListed: true,
  },
  {
    id: 'claude-3-5-haiku-20241022', otherIds: ['claude-3-5-haiku-latest'], family: 'haiku', version: '3.5', displayName: 'Claude Haiku 3.5',
    prices: HAIKU_3_5,
    lifecycle: { deprecatedOn: '2025-12-19', retiresOn: '2026-02-19', replacement: 'claude-haiku-4-5-20251001' },
    source: DEPRECATIONS, sdkListed: false,
  },
  {
    id: 'claude-3-haiku-20240307', otherIds: [], family: 'haiku', version: '3', displayName: 'Claude Haiku 3',
    prices: HAIKU_3,
    lifecycle: { deprecatedOn: '2026-02-19', retiresOn: '2026-04-20', replacement: 'claude-haiku-4-5-20251001' },
    source: DEPRECATIONS, sdkListed: false,
  },
] satisfies ModelRecord[]);
