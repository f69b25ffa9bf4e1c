import { ModelRetiredError, UnknownModelError } from './errors';
import type { ModelFacts } from './modelRecord';
import { findModel } from './modelLookup';
import { TABLE_CHECKED_ON } from './modelTable';

/**
 * Limits and behaviour of a model we may call, by id or snapshot id. Throws UnknownModelError for an id the
 * table does not know, and ModelRetiredError for a model retired before the table was checked (we keep no
 * limits for those: nothing may call them). Resolve names people write with resolveModel first.
 */
export function modelFacts(id: string): ModelFacts {
  const record = findModel(id);
  if (!record) throw new UnknownModelError(id);
  if (!record.facts) {
    throw new ModelRetiredError(id, record.id, record.lifecycle.retiresOn ?? TABLE_CHECKED_ON, record.lifecycle.replacement);
  }
  return record.facts;
}

/** The `max_tokens` to send when nobody chose one: room for thinking plus the answer, never above max output. */
export function defaultMaxTokens(id: string): number {
  return modelFacts(id).defaultMaxTokens;
}

/** Whether the model thinks (adaptive thinking) without being asked, so responses carry thinking blocks. */
export function thinksByDefault(id: string): boolean {
  return modelFacts(id).thinksByDefault;
}
