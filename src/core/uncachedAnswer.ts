import type { CachedAnswer } from './pipeline';

/**
 * Thrown from a layer's compute to hand back an answer that must not be stored: cut off (`max_tokens`,
 * `model_context_window_exceeded`, `pause_turn`), refused, or built on notes that were cut off. Throwing is what
 * keeps it out of every tier, since the tiered cache stores whatever a compute returns; the pipeline catches it
 * and delivers the answer as it is. Not a CacheError: it never reaches a user as a failure.
 */
export class UncachedAnswer extends Error {
  constructor(readonly answer: CachedAnswer) {
    super(`answer not cached (stop reason ${answer.stopReason ?? 'none'})`);
    this.name = 'UncachedAnswer';
  }
}
