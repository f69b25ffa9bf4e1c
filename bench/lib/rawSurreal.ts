import type { RecordId, Surreal } from 'surrealdb';
import { SIMILAR_TABLE_EXTENSION } from '../../src/core/similar/similarSchema';
import { SURREAL_TABLE, cacheTableSchema } from '../../src/core/stores/surreal/surrealSchema';

/** The SurrealDB SDK with no cache around it: the floor every SurrealDB figure is compared with. */
export interface RawSurreal {
  db: Surreal;
  recordId(id: string): RecordId;
  close(): Promise<void>;
}

/**
 * Connects the embedded engine to `surrealkv://dir` and defines the same table the store uses (without its
 * indexes: a select by id does not use them). Both modules come through import(), as in the store, so the
 * RecordId class is the one the engine recognises.
 */
export async function openRawSurreal(dir: string): Promise<RawSurreal> {
  const sdk = await import('surrealdb');
  const node = await import('@surrealdb/node');
  const db = new sdk.Surreal({ engines: node.createNodeEngines() });
  await db.connect(`surrealkv://${dir}`, { namespace: 'bench', database: 'bench' });
  await db.query(cacheTableSchema([SIMILAR_TABLE_EXTENSION])).collect();
  return {
    db,
    recordId: (id) => new sdk.RecordId(SURREAL_TABLE, id),
    async close() {
      await db.close();
    },
  };
}

/** Times only connecting and selecting namespace and database, the engine's own cold start. */
export async function connectRawSurreal(dir: string): Promise<{ elapsedNs: number; close(): Promise<void> }> {
  const sdk = await import('surrealdb');
  const node = await import('@surrealdb/node');
  const started = process.hrtime.bigint();
  const db = new sdk.Surreal({ engines: node.createNodeEngines() });
  await db.connect(`surrealkv://${dir}`, { namespace: 'bench', database: 'bench' });
  const elapsedNs = Number(process.hrtime.bigint() - started);
  return {
    elapsedNs,
    async close() {
      await db.close();
    },
  };
}
