import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import type { Clock } from '../../clock';
import { FRAME_HEADER_BYTES, decodeFrameHeader, type FrameHeader } from './recordFrame';
import { execPipeline } from './redisCommandFailure';
import { scanTargets } from './redisClients';
import type { RedisClient } from './redisTopology';

/** Keys SCAN is asked for per call (a hint to the server, which may return more or fewer). */
const SCAN_BATCH = 500;

/** A live entry SCAN found: its Redis key, its frame header and the size of its value. */
export interface ScannedEntry {
  key: string;
  header: FrameHeader;
  size: number;
}

export interface RedisKeyspaceScanOptions {
  /** The cache clock that decides which scanned entries are live. */
  clock: Clock;
  /** Most keys one listing looks at, so a huge keyspace cannot stall a view. */
  scanLimit: number;
  /** How a failed command surfaces (see commandFailure). */
  failure: (error: unknown) => Error;
}

/**
 * Walks the keyspace with SCAN (never KEYS, which blocks the server), on every master of a cluster: there SCAN
 * sees one node's keys only.
 */
export class RedisKeyspaceScan {
  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisKeyspaceScanOptions,
  ) {}

  /** UNLINKs every key `match` matches; counts the keys removed, expired-by-clock ones included. */
  async unlink(match: string): Promise<number> {
    const counts = await Promise.all(scanTargets(this.client).map((node) => this.unlinkOn(node, match)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * Batches of live entries with their headers and value sizes, until SCAN ends on every master or scanLimit keys
   * were seen.
   */
  async *liveEntries(match: string): AsyncGenerator<ScannedEntry[]> {
    const limit = this.options.scanLimit;
    let seen = 0;
    for (const node of scanTargets(this.client)) {
      for await (const batch of this.liveEntriesOn(node, match, limit - seen)) {
        seen += batch.seen;
        yield batch.live;
      }
      if (seen >= limit) return;
    }
  }

  private async unlinkOn(node: Redis, match: string): Promise<number> {
    const clustered = this.client instanceof Cluster;
    let cursor = '0';
    let removed = 0;
    try {
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
        cursor = next;
        if (keys.length === 0) continue;
        if (!clustered) {
          removed += await node.unlink(...keys);
          continue;
        }
        // A multi-key UNLINK is refused across slots even on one node: one UNLINK per key, in one pipeline.
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const reply of await execPipeline(pipeline, this.options.failure)) removed += typeof reply === 'number' ? reply : 0;
      } while (cursor !== '0');
    } catch (error) {
      throw this.options.failure(error);
    }
    return removed;
  }

  private async *liveEntriesOn(node: Redis, match: string, limit: number): AsyncGenerator<{ seen: number; live: ScannedEntry[] }> {
    let cursor = '0';
    let seen = 0;
    do {
      let keys: string[];
      try {
        [cursor, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
      } catch (error) {
        throw this.options.failure(error);
      }
      keys = keys.slice(0, limit - seen);
      seen += keys.length;
      if (keys.length === 0) continue;
      // The node's own connection: these keys all live there, and a cluster pipeline must not span nodes.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.getrangeBuffer(key, 0, FRAME_HEADER_BYTES - 1).strlen(key);
      const replies = await execPipeline(pipeline, this.options.failure);
      const now = this.options.clock.now();
      const live: ScannedEntry[] = [];
      keys.forEach((key, index) => {
        const head = replies[index * 2];
        const length = replies[index * 2 + 1];
        if (!Buffer.isBuffer(head) || typeof length !== 'number') return;
        const header = decodeFrameHeader(head);
        if (header === undefined || header.expiresAt <= now) return;
        live.push({ key, header, size: length - FRAME_HEADER_BYTES });
      });
      yield { seen: keys.length, live };
    } while (cursor !== '0' && seen < limit);
  }
}
