import type { SurrealTableExtension } from '../stores/surreal/surrealSchema';

/**
 * Prompt texts live in the cache table itself, as rows of their own pseudo-layer `similar` (record id
 * `similar:<result key>`): they expire with the answer they describe, count toward the table's cap, and are
 * indexed beside the cache's other indexes (created where those are, see surrealOpen.ts). SIMILAR_TABLE_EXTENSION
 * is what the SurrealDB store is given for them when it is opened.
 */
export const SIMILAR_LAYER = 'similar';

/** The field holding the text; absent on every ordinary cache row. */
export const PROMPT_FIELD = 'DEFINE FIELD IF NOT EXISTS prompt ON cache_entry TYPE option<string>;';

/**
 * Words split on spaces, character classes and punctuation, lowercased, folded to ASCII and stemmed, so
 * "explaining functions" finds "explain this function". BM25 ranks what matches.
 */
export const PROMPT_INDEX =
  'DEFINE ANALYZER IF NOT EXISTS prompt_text TOKENIZERS blank, class, punct FILTERS lowercase, ascii, snowball(english);\n' +
  'DEFINE INDEX IF NOT EXISTS cache_entry_prompt ON cache_entry FIELDS prompt FULLTEXT ANALYZER prompt_text BM25';

/** The prompt field and its full-text index, added to the cache table by whoever opens the store. */
export const SIMILAR_TABLE_EXTENSION: SurrealTableExtension = {
  definitions: PROMPT_FIELD,
  indexes: { cache_entry_prompt: PROMPT_INDEX },
};

export const SIMILAR_QUERIES = {
  remember:
    "UPSERT type::record('cache_entry', $id) CONTENT { layer: 'similar', key: $key, value: $empty, size: 0, " +
    'created_at: $created_at, expires_at: $expires_at, prompt: $prompt } RETURN NONE',
  // `@1,OR@`: any shared word counts (the default would need every word), and search::score(1) ranks by BM25.
  search:
    "SELECT key, search::score(1) AS score FROM cache_entry WHERE prompt @1,OR@ $text AND layer = 'similar' " +
    'AND expires_at > $now ORDER BY score DESC LIMIT $limit',
  prompt: "SELECT VALUE prompt FROM ONLY type::record('cache_entry', $id)",
} as const;
