import type { RunProgress } from '../../core/pipeline';
import { formatDollars } from '../format';

/**
 * What a run is doing, in words, from the engine's progress events (never guessed from time): checking the
 * cache, asking Claude for a module's notes or for the answer, receiving it, with what the run has spent so far.
 */
export class RunProgressText {
  private step: string;
  private spent = '';
  private askedForAnswer = false;
  private answerArriving = false;

  constructor(fresh: boolean) {
    this.step = fresh ? 'Asking Claude for a fresh answer…' : 'Checking the cache…';
  }

  /** Takes an engine event; returns the new text. */
  progress(event: RunProgress): string {
    switch (event.kind) {
      case 'checking-cache':
        if (!this.askedForAnswer) this.step = 'Checking the cache…';
        break;
      case 'calling-claude':
        if (event.module) this.step = `Asking Claude (${event.model}) for the ${event.module} notes…`;
        else {
          this.askedForAnswer = true;
          this.step = `Asking Claude (${event.model}) for the answer…`;
        }
        break;
      case 'spent':
        this.spent = event.spentUsd === 'unknown' ? ' · cost so far unknown' : ` · ${formatDollars(event.spentUsd)} spent so far`;
        break;
    }
    return this.text;
  }

  /** The first piece of the answer arrived: paid for now, or replayed from the cache. */
  receiving(): string {
    if (!this.answerArriving) {
      this.answerArriving = true;
      this.step = this.askedForAnswer ? 'Receiving the answer…' : 'Replaying the cached answer…';
    }
    return this.text;
  }

  get text(): string {
    return `${this.step}${this.spent}`;
  }
}
