import type { ChainableCommander } from 'ioredis';
import { CacheClosedError, StoreError, StoreTimeoutError, describeError } from '../../errors';
import { describeRedisError } from './redisConnectionError';

/** What a failed command is judged against: the store's state when it failed. */
export interface RedisConnectionState {
  readonly closed: boolean;
  /** Why the connection last dropped (undefined once it is ready again). */
  readonly connectionError: Error | undefined;
  /** The client is connected and ready for commands. */
  readonly ready: boolean;
  readonly commandTimeoutMs: number;
}

/**
 * The error a failed command rejects with, saying why in the tier's terms: the store was closed, the command timed
 * out, the connection dropped under it (and why), there was no connection to send it on, or Redis refused it.
 */
export function commandFailure(error: unknown, state: RedisConnectionState): Error {
  if (error instanceof StoreError || error instanceof CacheClosedError) return error;
  if (state.closed) return redisStoreClosed();
  const dropped =
    error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || error.message === 'Connection is closed.');
  if (dropped) {
    // The command was in flight when the connection dropped; the drop itself says why.
    const why = state.connectionError;
    if (why && /^Socket timeout/.test(why.message)) return new StoreTimeoutError('redis', state.commandTimeoutMs);
    return new StoreError('redis', `connection lost${why ? `: ${describeRedisError(why)}` : ''}`, { cause: error });
  }
  if (!state.ready) {
    // Refused at once for want of a connection: with enableOfflineQueue false ioredis rejects a command sent
    // before `ready` ("Stream isn't writeable ...", https://github.com/redis/ioredis/issues/945); the last
    // connection error says why.
    const why = state.connectionError;
    return new StoreError('redis', why ? `not connected: ${describeRedisError(why)}` : 'not connected yet', { cause: error });
  }
  return new StoreError('redis', describeError(error), { cause: error });
}

/** A pipeline's replies in order; the first failed command (or the whole pipeline) rejects as `failure` makes it. */
export async function execPipeline(pipeline: ChainableCommander, failure: (error: unknown) => Error): Promise<unknown[]> {
  let replies: Array<[Error | null, unknown]> | null;
  try {
    replies = await pipeline.exec();
  } catch (error) {
    throw failure(error);
  }
  if (replies === null) throw new StoreError('redis', 'pipeline was discarded');
  return replies.map(([error, reply]) => {
    if (error) throw failure(error);
    return reply;
  });
}

export function redisStoreClosed(): CacheClosedError {
  return new CacheClosedError('redis store is closed');
}
