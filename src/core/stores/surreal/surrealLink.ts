import { StoreError, describeError } from '../../errors';
import { releaseSurreal, type SurrealConnection } from './surrealConnection';

/** Where a SurrealStore sends its queries: one connection for good, or whichever a shared directory has now. */
export interface SurrealLink {
  /** The connection to use now; throws StoreError while there is none (a shared directory between owners). */
  connection(): SurrealConnection;
  /** How this process reaches the data, for status lines: `embedded`, `server`, `owner`, `client of pid N`... */
  describe(): string;
  /** The process this one reaches the data through, when another process owns a shared directory. */
  ownerPid?(): number | undefined;
  close(): Promise<void>;
}

/** A connection opened once and kept until close (embedded, or a server the SDK reconnects to by itself). */
export function fixedLink(url: string, connection: SurrealConnection, description: string): SurrealLink {
  return {
    connection: () => connection,
    describe: () => description,
    close: async () => {
      try {
        await releaseSurreal(url, connection.db);
      } catch (error) {
        throw new StoreError('surreal', `close failed: ${describeError(error)}`, { cause: error });
      }
    },
  };
}
