/**
 * The shape of one row of the model table (see modelTable.ts). Types only: the data lives in one place.
 */

/** Rates for one model, in USD per million tokens. */
export interface TokenRates {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** A model's prices; some models charge every token of a call more once its prompt passes a length. */
export interface ModelPrices extends TokenRates {
  /** Rates for a call whose prompt (input + cache reads + cache writes) exceeds `aboveTokens`. */
  longPrompt?: TokenRates & { aboveTokens: number };
}

/** The model lines Anthropic names; an alias (`opus`, `sonnet`, ...) picks the current model of a family. */
export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'fable' | 'mythos';

/** What a request to a callable model needs to know. */
export interface ModelFacts {
  /** Input plus output tokens one request may hold. */
  contextWindow: number;
  /** The largest `max_tokens` the synchronous Messages API accepts for this model. */
  maxOutputTokens: number;
  /**
   * The `max_tokens` we send when nobody chose one. On a model that thinks by default `max_tokens` caps
   * thinking plus text, so it must leave room for both; billing is by tokens used, not by the cap.
   */
  defaultMaxTokens: number;
  /** The model thinks (adaptive thinking) without being asked to; the client must expect thinking blocks. */
  thinksByDefault: boolean;
  /** Shortest prefix, in tokens, that a cache breakpoint caches; a shorter one is silently ignored. */
  minCacheableTokens: number;
}

/**
 * Where a model is in its life. Dates are YYYY-MM-DD (UTC days) as published on the deprecations page; requests
 * fail from `retiresOn` on.
 */
export interface Lifecycle {
  /** The day the deprecation was announced; absent when only the retirement date is published. */
  deprecatedOn?: string;
  retiresOn?: string;
  /** The recommended replacement's id. */
  replacement?: string;
}

export interface ModelRecord {
  /** The id we send to the API. */
  id: string;
  /** Other ids the API accepts for exactly this model (dated snapshots, the `-0` alias of a 4.0 model). */
  otherIds: readonly string[];
  family: ModelFamily;
  /** The version as people write it: '5.5', '4.1', '4'. */
  version: string;
  /** The name the docs and model pickers show: 'Claude Sonnet 5.5'. */
  displayName: string;
  /** Absent only for models retired before the table was checked: they are never called again. */
  facts?: ModelFacts;
  /** Absent when no public price is published: its cost is unknown, never zero. */
  prices?: ModelPrices;
  lifecycle: Lifecycle;
  /** The page (and its date) the row's figures were read from. */
  source: string;
  /** True when the installed SDK's `Model` type lists `id`; otherwise `source` is the docs page that does. */
  sdkListed: boolean;
}
