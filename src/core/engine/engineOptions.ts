import type { Clock } from '../clock';
import type { CacheConfig } from '../config';
import type { EngineProblem } from '../engineProblems';
import type { Logger } from '../logger';
import type { TierSecrets } from '../tiers/sharedTierDriver';
import type { DiscoveredWorkflows } from '../workflows';

export interface EngineOptions extends TierSecrets {
  config: CacheConfig;
  /** From SecretStorage (extension) or ANTHROPIC_API_KEY (CLI); never part of the config. */
  apiKey?: string;
  /**
   * A process that runs one command and exits (the CLI): the embedded SurrealDB directory opens on first need, so
   * a hit is answered from its entry files without starting the engine (see SurrealEntryFiles), and what only a
   * long session needs up front (the lz4 check) waits until used.
   */
  oneShot?: boolean;
  /**
   * Key for encryption at rest of values in the shared tiers: 32 bytes as base64 or hex, from SecretStorage
   * or CLAUDE_CACHE_ENCRYPTION_KEY. Used whenever given; required when `encryption.enabled` is set.
   */
  encryptionKey?: string;
  /** Every line is redacted of likely secrets and of the keys above before it reaches this logger. */
  logger?: Logger;
  clock?: Clock;
  /** Workflow discovery; the extension memoizes it behind file watchers. */
  workflows?: (workspace: string) => Promise<DiscoveredWorkflows>;
  /**
   * Problems the user must see even without verbose logging (Redis refuses the password, a malformed encryption
   * key, a storage folder that cannot be written): each once, as it is noticed. Without it they are logged as
   * warnings.
   */
  onProblem?: (problem: EngineProblem) => void;
  /** Tuning of the cross-instance single-flight (used when a shared tier offers one); tests shorten the lock. */
  flight?: { lockTtlMs?: number; pollIntervalMs?: number };
}
