import type { SimilarAnswer } from '../../core/similar/similarAnswers';
import { formatDuration } from '../format';

/** One suggestion in a quick pick. */
export interface SimilarPick {
  label: string;
  description: string;
  detail: string;
  key: string;
}

/** Quick-pick items for similar answers: workflow, relevance, age, and the start of the prompt that matched. */
export function similarPicks(found: readonly SimilarAnswer[], now: number): SimilarPick[] {
  return found.map((similar) => ({
    label: `$(lightbulb) ${similar.workflow}`,
    description: `relevance ${similar.score.toFixed(2)} · cached ${formatDuration(Math.max(0, now - similar.createdAt))} ago`,
    detail: similar.promptPreview.replace(/\s+/g, ' ').trim(),
    key: similar.key,
  }));
}
