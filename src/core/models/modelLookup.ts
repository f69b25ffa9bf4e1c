import type { ModelRecord } from './modelRecord';
import { MODEL_TABLE } from './modelTable';

/** Every id the API accepts (canonical and snapshot), to its record. Built once from the table. */
const BY_ID: ReadonlyMap<string, ModelRecord> = new Map(
  MODEL_TABLE.flatMap((record) => [record.id, ...record.otherIds].map((id) => [id, record] as const)),
);

/** The record for an exact API id or snapshot id (`claude-haiku-4-5-20251001`); undefined when unknown. */
export function findModel(id: string): ModelRecord | undefined {
  return BY_ID.get(id);
}

/** Every id the table knows, canonical and snapshot ids alike. */
export function knownModelIds(): string[] {
  return [...BY_ID.keys()];
}
