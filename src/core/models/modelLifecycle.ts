import { ModelRetiredError, UnknownModelError } from './errors';
import { findModel } from './modelLookup';

/** A day to judge a model's lifecycle on: a Date (its UTC day is used) or 'YYYY-MM-DD'. Injected, never read. */
export type Day = Date | string;

export type LifecycleVerdict =
  | { status: 'ok' }
  /** Still served; `warning` names the replacement and the retirement date, for the user to see. */
  | { status: 'deprecated'; retiresOn: string | undefined; replacement: string | undefined; warning: string }
  /** Refused by the API: `error` is what a caller throws. */
  | { status: 'retired'; error: ModelRetiredError };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day of `day` as 'YYYY-MM-DD' (which compares correctly as a string). */
export function dayString(day: Day): string {
  if (typeof day === 'string') {
    if (!DAY.test(day)) throw new RangeError(`not a YYYY-MM-DD day: "${day}"`);
    return day;
  }
  if (Number.isNaN(day.getTime())) throw new RangeError('not a valid date');
  return day.toISOString().slice(0, 10);
}

/**
 * Where model `id` (an id or snapshot id from the table) stands on `today`, per the deprecations page
 * (https://platform.claude.com/docs/en/about-claude/model-deprecations): requests fail from the retirement day
 * on; between the deprecation and the retirement the model still answers but should be replaced. A model whose
 * deprecation day is not published counts as deprecated until it retires. `requestedAs` is the name to quote in
 * messages (what the user wrote).
 */
export function lifecycleOf(id: string, today: Day, requestedAs: string = id, chosenBy?: string): LifecycleVerdict {
  const record = findModel(id);
  if (!record) throw new UnknownModelError(id);
  const day = dayString(today);
  const { deprecatedOn, retiresOn, replacement } = record.lifecycle;
  if (retiresOn !== undefined && day >= retiresOn) {
    return { status: 'retired', error: new ModelRetiredError(requestedAs, record.id, retiresOn, replacement, chosenBy) };
  }
  const deprecated = deprecatedOn !== undefined ? day >= deprecatedOn : retiresOn !== undefined;
  if (!deprecated) return { status: 'ok' };
  const shown = requestedAs === record.id ? `"${requestedAs}"` : `"${requestedAs}" (${record.id})`;
  const warning =
    `Claude model ${shown} is deprecated` +
    (retiresOn ? ` and will be retired on ${retiresOn}, after which requests fail` : '') +
    (replacement ? `; switch to ${replacement}.` : '; switch to a current model.');
  return { status: 'deprecated', retiresOn, replacement, warning };
}
