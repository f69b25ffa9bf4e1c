import type { ValueCodec } from '../tiered/tierTypes';
import type { UsageRecord } from './usageRecord';

/**
 * The shape of a sealed usage row in SurrealDB: only what retention and the workspace filter need stays in the
 * open. `at` orders and prunes; `workspace` is a keyed fingerprint of the path, so the filter still runs in the
 * query without the path being readable; everything else (arguments, inputs, file, steps) is in `sealed`.
 */
export interface SealedUsageRow {
  at: number;
  workspace: string;
  sealed: Uint8Array;
}

/** What keeps usage records unreadable at rest: the shared tiers' key, through their codec. */
export interface UsageSealing {
  seal(record: UsageRecord): SealedUsageRow;
  /** The record a row holds: a sealed one opened, a plain one (written before sealing) as it is; undefined when unreadable. */
  open(row: unknown): UsageRecord | undefined;
  /** The `workspace` a sealed row of this workspace carries. */
  workspaceId(workspace: string): string;
}

/** A codec that can also give keyed fingerprints: EncryptingCodec. */
export interface FingerprintingCodec extends ValueCodec {
  fingerprint(label: string): string;
}

/** Marks a fingerprinted workspace, so it is never mistaken for a path and a reader can tell the forms apart. */
const WORKSPACE_ID_PREFIX = 'sealed:';

/** Seals usage records with the shared tiers' codec (AES-256-GCM when encryption is on). */
export function usageSealing(codec: FingerprintingCodec): UsageSealing {
  const workspaceId = (workspace: string): string => WORKSPACE_ID_PREFIX + codec.fingerprint(`usage-workspace\u0000${workspace}`);
  return {
    workspaceId,
    seal: (record) => ({ at: record.at, workspace: workspaceId(record.workspace), sealed: codec.encode(record) }),
    open(row) {
      if (row === null || typeof row !== 'object') return undefined;
      const sealed = (row as { sealed?: unknown }).sealed;
      if (sealed === undefined) return readPlainRow(row);
      const bytes = sealed instanceof Uint8Array ? sealed : sealed instanceof ArrayBuffer ? new Uint8Array(sealed) : undefined;
      if (bytes === undefined) return undefined;
      try {
        return codec.decode(bytes) as UsageRecord;
      } catch {
        // Sealed with another key, or damaged: not this process's to read.
        return undefined;
      }
    },
  };
}

/** A row as the usage log reads it without a key: plain records only; sealed ones are left unread. */
export function readPlainRow(row: unknown): UsageRecord | undefined {
  if (row === null || typeof row !== 'object' || 'sealed' in row) return undefined;
  return row as UsageRecord;
}
