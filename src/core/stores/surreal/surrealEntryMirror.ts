import type { StoredRecord } from '../store';
import type { SurrealEntryFiles } from './surrealEntryFiles';

/**
 * How a store keeps the entry files of its embedded directory in step with the table (see SurrealEntryFiles):
 * which generation it writes into, the reads it answers from files while the directory is not open, and the files
 * it repairs after reading an entry from the table.
 */
export class SurrealEntryMirror {
  /** While not open: the files' live generation, read once (the lookups of one run come within milliseconds). */
  private unopenedGeneration: Promise<string | undefined> | undefined;
  /**
   * The generation this store writes entry files into, read (or started) once: while a process has the folder open
   * nobody replaces it, so the generation cannot change under it, and a write costs no extra file reads.
   */
  private writeGeneration: Promise<string | undefined> | undefined;
  /** Entry files being written after a read from the table; settled() waits for them. */
  private readonly repairs = new Set<Promise<void>>();

  constructor(
    private readonly files: SurrealEntryFiles,
    /**
     * Only a store opened deferred writes the file of an entry it had to read from the table (one written before
     * entry files existed, or whose file was lost): the next one-shot run then finds it. A long-lived store writes
     * files with every write already, and rewriting one on each of its table reads would be I/O for nobody.
     */
    readonly repairsReads: boolean,
  ) {}

  /** While the directory is not open: the entry as its file has it at `now`, or undefined. */
  async readUnopened(id: string, now: number): Promise<StoredRecord<Uint8Array> | undefined> {
    return this.files.read(id, now, await this.liveGeneration());
  }

  /** readUnopened for several entries, in the order of `ids`. */
  async readManyUnopened(ids: readonly string[], now: number): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    const generation = await this.liveGeneration();
    return Promise.all(ids.map((id) => this.files.read(id, now, generation)));
  }

  /** The generation to write into; read it before the table is written or read, so a file never outlives its generation. */
  generation(): Promise<string | undefined> {
    // No folder yet (a first run, before the table is opened): asked again next time.
    this.writeGeneration ??= this.files.generation().then((generation) => {
      if (generation === undefined) this.writeGeneration = undefined;
      return generation;
    });
    return this.writeGeneration;
  }

  write(generation: string | undefined, id: string, record: StoredRecord<Uint8Array>): Promise<void> {
    return this.files.write(generation, id, record);
  }

  /** After a read from the table: the entry's file, for the next process that has not opened the directory. */
  repair(generation: string | undefined, id: string, record: StoredRecord<Uint8Array>): void {
    if (generation === undefined) return;
    const repair = this.files.write(generation, id, record).finally(() => this.repairs.delete(repair));
    this.repairs.add(repair);
  }

  remove(id: string): Promise<void> {
    return this.files.remove(id);
  }

  /** Removes the files of entries the table no longer holds. */
  async forget(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.files.remove(id)));
  }

  /** Resolves once every repair under way is written. */
  async settled(): Promise<void> {
    await Promise.all(this.repairs);
  }

  private liveGeneration(): Promise<string | undefined> {
    this.unopenedGeneration ??= this.files.liveGeneration();
    return this.unopenedGeneration;
  }
}
