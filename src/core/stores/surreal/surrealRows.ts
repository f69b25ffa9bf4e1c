import type { RecordId } from 'surrealdb';
import type { Layer } from '../../layers';
import type { StoredRecord } from '../store';

/** A cache_entry row as reads select it (see SURREAL_QUERIES.get and getMany). */
export type EntryRow = { key: string; value: ArrayBuffer | Uint8Array; created_at: number; expires_at: number };

/** Layers never contain ':', so `${layer}:${key}` cannot collide across layers. */
export function recordKey(layer: Layer, key: string): string {
  return `${layer}:${key}`;
}

/** The `layer:key` of a record id the table handed back (the inverse of recordKey inside an id). */
export function recordKeyOf(id: RecordId): string {
  return String(id.id);
}

export function toRecord(row: EntryRow): StoredRecord<Uint8Array> {
  const value = row.value instanceof Uint8Array ? row.value : new Uint8Array(row.value);
  return { value, createdAt: row.created_at, expiresAt: row.expires_at };
}
