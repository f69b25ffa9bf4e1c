import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, replaceFile, unlink } from '../io/fileOps';
import { join } from 'node:path';
import { pack, unpack } from 'msgpackr';

const SPOOLED = '.spool';

/**
 * Usage rows waiting for SurrealDB: a process that never opened it (a CLI run answered from the cache) leaves its
 * rows here, one file per batch, rather than open the database only to append them. Whoever opens the usage log
 * in SurrealDB next moves them in. Rows are kept as they would be written (sealed when encryption is on), so
 * nothing here is more readable than the table.
 */
export class UsageSpool {
  constructor(private readonly directory: string) {}

  async add(rows: readonly unknown[]): Promise<void> {
    if (rows.length === 0) return;
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // Whole or not at all: a drain only takes `.spool` files, and the temporary one ends in `.tmp`.
    const name = `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    await replaceFile(join(this.directory, `${name}${SPOOLED}`), pack(rows), { mode: 0o600 });
  }

  /**
   * Hands every spooled batch to `consume`, oldest first, and deletes it once consumed. A batch is claimed by
   * renaming it first, so two processes draining at once never move the same rows twice; a batch `consume`
   * refused is put back for the next drain. Returns how many rows went.
   */
  async drain(consume: (rows: unknown[]) => Promise<void>): Promise<number> {
    let names: string[];
    try {
      names = (await readdir(this.directory)).filter((name) => name.endsWith(SPOOLED)).sort();
    } catch {
      return 0;
    }
    let moved = 0;
    for (const name of names) {
      const spooled = join(this.directory, name);
      const claimed = `${spooled}.${process.pid}-${randomBytes(4).toString('hex')}.draining`;
      try {
        await rename(spooled, claimed);
      } catch {
        continue;
      }
      let rows: unknown;
      try {
        rows = unpack(await readFile(claimed));
      } catch {
        rows = undefined;
      }
      if (!Array.isArray(rows)) {
        // Not a batch this spool wrote (a torn or foreign file): nothing in it can be used.
        await unlink(claimed).catch(() => undefined);
        continue;
      }
      try {
        await consume(rows);
      } catch (error) {
        await rename(claimed, spooled).catch(() => undefined);
        throw error;
      }
      await unlink(claimed).catch(() => undefined);
      moved += rows.length;
    }
    return moved;
  }
}
