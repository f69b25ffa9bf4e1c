import type { Logger } from './logger';
import { tierSettings, type SharedTierName } from './tiers/tierRegistry';

/** What a problem is about (a shared tier, by name, or the key or folder); a user fixes each in a different place. */
export type EngineProblemKind = SharedTierName | 'encryption-key' | 'storage-folder';

/**
 * A problem the user must see even without verbose logging: the cache runs, but without something they set up
 * (a Redis that refuses the password, a malformed encryption key, a storage folder it cannot write).
 */
export interface EngineProblem {
  kind: EngineProblemKind;
  /** One line, saying what is wrong and what the cache does about it; never contains a secret. */
  message: string;
  /** The setting (prefix) to open for it, e.g. `claudeCache.redis`. */
  setting: string;
}

const SETTING_OF: Readonly<Record<'encryption-key' | 'storage-folder', string>> = {
  'encryption-key': 'claudeCache.encryption',
  'storage-folder': 'claudeCache.storageDir',
};

function settingOf(kind: EngineProblemKind): string {
  return kind === 'encryption-key' || kind === 'storage-folder' ? SETTING_OF[kind] : tierSettings(kind);
}

/**
 * Hands each problem to the adapter once (the CLI prints it, the extension shows a notification); without an
 * adapter listening it goes to the log as a warning. A kind is reported again only after it was resolved, so a
 * dead Redis failing every call is one line, not one per call.
 */
export class EngineProblems {
  private readonly open = new Map<EngineProblemKind, EngineProblem>();

  constructor(
    private readonly logger: Logger,
    private readonly listener: ((problem: EngineProblem) => void) | undefined,
  ) {}

  report(kind: EngineProblemKind, message: string): void {
    if (this.open.has(kind)) return;
    const problem: EngineProblem = { kind, message, setting: settingOf(kind) };
    this.open.set(kind, problem);
    if (!this.listener) {
      this.logger.warn(message);
      return;
    }
    // The adapter shows it; the log keeps it too, for --verbose and the output channel.
    this.logger.info(message);
    try {
      this.listener(problem);
    } catch {
      // A failing notification must not fail the cache operation that noticed the problem.
    }
  }

  /** The problem of that kind went away (Redis is back): a later one is reported again. */
  resolve(kind: EngineProblemKind): void {
    this.open.delete(kind);
  }

  /** Problems reported and not resolved, oldest first. */
  list(): EngineProblem[] {
    return [...this.open.values()];
  }

  has(kind: EngineProblemKind): boolean {
    return this.open.has(kind);
  }
}
