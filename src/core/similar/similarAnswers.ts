import { workflowOfKey } from '../archive/archivedAnswers';
import type { Clock } from '../clock';
import { CodecError } from '../errors';
import type { CachedAnswer } from '../pipeline';
import { containsSecret } from '../security';
import type { StoredRecord } from '../stores/store';
import type { ValueCodec } from '../tiered/tierTypes';
import { SIMILAR_LAYER, SIMILAR_QUERIES } from './similarSchema';

/** Runs SurrealQL on the cache's SurrealDB connection with bound parameters. */
export type SimilarQueryRunner = <T extends unknown[]>(text: string, bindings: Record<string, unknown>) => Promise<T>;

/** Reads a live result-layer row (the store's own get: expired rows are absent). */
export type ResultReader = (key: string) => Promise<StoredRecord<Uint8Array> | undefined>;

/** A cached answer whose prompt resembles the one asked about: a suggestion to read, never a cache hit. */
export interface SimilarAnswer {
  key: string;
  workflow: string;
  /** BM25 relevance; higher is closer. Only comparable within one search. */
  score: number;
  /** The start of the indexed prompt, to show why it matched. */
  promptPreview: string;
  answer: CachedAnswer;
  createdAt: number;
  expiresAt: number;
}

export interface SimilarQuery {
  /** The rendered prompt (or any text) to find answers for. */
  prompt: string;
  /** Only answers of this workflow. */
  workflow?: string;
  /** The answer this prompt already has, left out of its own suggestions. */
  excludeKey?: string;
  /** Default 5. */
  limit?: number;
}

/** Longest text indexed per answer: enough words to match on, without copying whole files into the index. */
const INDEXED_CHARS = 8_000;
const PREVIEW_CHARS = 200;

/**
 * Full-text search over the prompts of cached answers. Prompts holding a likely secret are never indexed; the
 * engine does not build this at all when values are encrypted at rest, since the index would hold readable text.
 */
export class SimilarAnswers {
  constructor(
    private readonly run: SimilarQueryRunner,
    private readonly readResult: ResultReader,
    private readonly codec: ValueCodec,
    private readonly clock: Clock,
  ) {}

  /** Indexes the prompt of a stored answer for as long as the answer lives; false when not indexed (a likely secret). */
  async remember(entry: { key: string; prompt: string; ttlMs: number }): Promise<boolean> {
    const text = entry.prompt.slice(0, INDEXED_CHARS);
    if (text.trim() === '' || containsSecret(text)) return false;
    const now = this.clock.now();
    await this.run(SIMILAR_QUERIES.remember, {
      id: `${SIMILAR_LAYER}:${entry.key}`,
      key: entry.key,
      empty: new Uint8Array(0),
      created_at: now,
      expires_at: now + entry.ttlMs,
      prompt: text,
    });
    return true;
  }

  /** The closest live cached answers, best first. */
  async find(query: SimilarQuery): Promise<SimilarAnswer[]> {
    const limit = Math.max(1, Math.floor(query.limit ?? 5));
    const text = query.prompt.slice(0, INDEXED_CHARS);
    if (text.trim() === '') return [];
    // Asks for a few more than wanted: some matches are filtered out below (excluded, another workflow, gone).
    const [rows] = await this.run<[Array<{ key: string; score: number }>]>(SIMILAR_QUERIES.search, {
      text,
      now: this.clock.now(),
      limit: limit * 3 + 1,
    });
    const found: SimilarAnswer[] = [];
    for (const row of rows) {
      if (found.length >= limit) break;
      if (row.key === query.excludeKey) continue;
      const workflow = workflowOfKey(row.key);
      if (query.workflow !== undefined && workflow !== query.workflow) continue;
      const record = await this.readResult(row.key);
      const answer = record === undefined ? undefined : this.decode(record.value);
      if (record === undefined || answer === undefined) continue;
      const [prompt] = await this.run<[string | undefined]>(SIMILAR_QUERIES.prompt, { id: `${SIMILAR_LAYER}:${row.key}` });
      found.push({
        key: row.key,
        workflow,
        score: row.score,
        promptPreview: (prompt ?? '').slice(0, PREVIEW_CHARS),
        answer,
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
      });
    }
    return found;
  }

  private decode(bytes: Uint8Array): CachedAnswer | undefined {
    try {
      const value = this.codec.decode(bytes) as Partial<CachedAnswer> | null;
      return typeof value?.text === 'string' ? (value as CachedAnswer) : undefined;
    } catch (error) {
      if (error instanceof CodecError) return undefined;
      throw error;
    }
  }
}
