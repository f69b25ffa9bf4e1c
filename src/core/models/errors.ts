import { CacheError } from '../errors';

/**
 * A model name we cannot map to a model the API serves: not an id, alias or display name in the model table.
 * Raised before any call, so a workflow fails with this message instead of an API 404.
 */
export class UnknownModelError extends CacheError {
  readonly code = 'E_MODEL_UNKNOWN';

  constructor(
    readonly model: string,
    /** Ids the caller may have meant (same family, current model first); may be empty. */
    readonly suggestions: readonly string[] = [],
    /** What named the model (`the claudeCache.model setting`, `the model: line of …`), so the user knows what to fix. */
    readonly chosenBy?: string,
  ) {
    super(
      `Unknown Claude model "${model}"${chosenBy ? ` (chosen by ${chosenBy})` : ''}: it is not a model id, an alias (opus, sonnet, haiku, fable) or a model ` +
        `display name we know.${suggestions.length > 0 ? ` Did you mean ${suggestions.join(' or ')}?` : ''}`,
    );
  }
}

/** The model was retired: the API refuses every request to it. Raised before any call. */
export class ModelRetiredError extends CacheError {
  readonly code = 'E_MODEL_RETIRED';

  constructor(
    /** The name as written (an id, alias or display name). */
    readonly model: string,
    /** The table id the name resolved to. */
    readonly id: string,
    readonly retiredOn: string,
    readonly replacement: string | undefined,
    readonly chosenBy?: string,
  ) {
    super(
      `Claude model "${model}"${model === id ? '' : ` (${id})`}${chosenBy ? `, chosen by ${chosenBy},` : ''} was retired on ${retiredOn} and no longer answers; ` +
        (replacement ? `use ${replacement} instead.` : 'choose a current model.'),
    );
  }
}
