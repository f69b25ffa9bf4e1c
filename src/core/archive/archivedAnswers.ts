import { CodecError } from '../errors';
import type { CachedAnswer } from '../pipeline';
import type { ValueCodec } from '../tiered/tierTypes';
import type { ArchivedEntryInfo, SurrealArchive } from './surrealArchive';

/** An archived answer as lists show it: the entry, and the workflow that produced it. */
export interface ArchivedAnswerInfo extends ArchivedEntryInfo {
  workflow: string;
}

/** An archived answer opened: its info, and the answer when its bytes could still be read. */
export interface ArchivedAnswer {
  info: ArchivedAnswerInfo;
  /** Undefined when the bytes cannot be decoded (written by another version, or sealed with another key). */
  answer: CachedAnswer | undefined;
}

/** Browses the archive of expired answers, decoding them with the shared tiers' codec. */
export class ArchivedAnswers {
  constructor(
    private readonly archive: SurrealArchive,
    private readonly codec: ValueCodec,
    /** The store's expiry sweep, so a listing includes what expired since the last one (a CLI run sees it too). */
    private readonly sweep: () => Promise<unknown> = async () => undefined,
  ) {}

  /** Most recently archived first. */
  async list(limit = 100): Promise<ArchivedAnswerInfo[]> {
    await this.sweep();
    return (await this.archive.list(limit)).map(withWorkflow);
  }

  /** One archived answer, or undefined when it is not (or no longer) archived. */
  async open(key: string): Promise<ArchivedAnswer | undefined> {
    const entry = await this.archive.read(key);
    if (entry === undefined) return undefined;
    const { value, ...info } = entry;
    return { info: withWorkflow(info), answer: this.decode(value) };
  }

  private decode(bytes: Uint8Array): CachedAnswer | undefined {
    try {
      const value = this.codec.decode(bytes);
      return isCachedAnswer(value) ? value : undefined;
    } catch (error) {
      if (error instanceof CodecError) return undefined;
      throw error;
    }
  }
}

/** `review-file:k1:<hash>` names workflow `review-file`; workflow-file names keep their own colons. */
export function workflowOfKey(key: string): string {
  const segments = key.split(':');
  return segments.length < 3 ? key : segments.slice(0, -2).join(':');
}

function withWorkflow(info: ArchivedEntryInfo): ArchivedAnswerInfo {
  return { ...info, workflow: workflowOfKey(info.key) };
}

function isCachedAnswer(value: unknown): value is CachedAnswer {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string';
}
