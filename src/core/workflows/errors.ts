import { CacheError } from '../errors';

/**
 * A run did not supply `${input:...}` values the workflow uses. A placeholder is only the hint VS Code shows in the
 * input field, never a default, so every input must be given (the CLI exits 2 naming them, before any call).
 */
export class MissingInputsError extends CacheError {
  readonly code = 'E_WORKFLOW_MISSING_INPUTS';

  constructor(
    readonly workflow: string,
    readonly missing: string[],
    /** The placeholder (hint) of each missing input that has one. */
    readonly hints: Readonly<Record<string, string>> = {},
  ) {
    super(
      `${workflow} needs ${missing.length === 1 ? 'a value for the input' : 'values for the inputs'} ` +
        `${missing.map((name) => (hints[name] ? `${name} (${hints[name]})` : name)).join(', ')}: ` +
        `pass ${missing.map((name) => `--arg ${name}=...`).join(' ')}`,
    );
  }
}

/** A run supplied inputs the workflow does not declare: most likely a typo, so it is refused, not ignored. */
export class UnknownInputsError extends CacheError {
  readonly code = 'E_WORKFLOW_UNKNOWN_INPUTS';

  constructor(
    readonly workflow: string,
    readonly unknown: string[],
    readonly declared: string[],
  ) {
    super(
      `${workflow} has no input${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; it declares ${declared.length === 0 ? 'none' : declared.join(', ')}`,
    );
  }
}

/** Rendering needs a piece of context (selection, file, diff, a module's answer) the caller did not give. */
export class MissingContextError extends CacheError {
  readonly code = 'E_WORKFLOW_MISSING_CONTEXT';
}

/** No workflow answers to a name. */
export class UnknownWorkflowError extends CacheError {
  readonly code = 'E_WORKFLOW_UNKNOWN';

  constructor(
    readonly workflow: string,
    readonly available: string[],
  ) {
    super(`no workflow named ${JSON.stringify(workflow)}; available: ${available.join(', ')}`);
  }
}

/** A workflow or module is defined in a way the engine cannot run (a bug in its definition, not in the run). */
export class WorkflowDefinitionError extends CacheError {
  readonly code = 'E_WORKFLOW_DEFINITION';
}

/**
 * A run whose prompt is empty once its arguments are filled in (a command whose body is only `$ARGUMENTS`, run
 * with no words): the API refuses an empty text block with a 400, so it is refused here, before any call.
 */
export class EmptyPromptError extends CacheError {
  readonly code = 'E_WORKFLOW_EMPTY_PROMPT';

  constructor(
    readonly workflow: string,
    readonly argumentHint: string | undefined,
    /** The argument placeholders that came out empty, as written in the template (`$ARGUMENTS`, `$0`, `$issue`). */
    readonly emptyArguments: readonly string[] = [],
  ) {
    super(
      `${workflow} has nothing to ask Claude: its prompt is empty once its arguments are filled in` +
        (emptyArguments.length > 0 ? ` (${emptyArguments.join(', ')} ${emptyArguments.length === 1 ? 'was' : 'were'} not given)` : '') +
        `. Give it the arguments it expects${argumentHint ? ` (${argumentHint})` : ''}.`,
    );
  }
}
