import { DEFAULT_MODEL } from './defaultModel';
import { parseModelName } from './displayName';
import { UnknownModelError } from './errors';
import { currentIdOf, FAMILY_ALIASES } from './familyAliases';
import { lifecycleOf, type Day } from './modelLifecycle';
import type { ModelFamily } from './modelRecord';
import { findModel } from './modelLookup';
import { MODEL_TABLE } from './modelTable';

export interface ResolveModelOptions {
  /** The day to judge deprecation and retirement on; injected so tests and callers control it. */
  today: Day;
  /**
   * The model `inherit` (and `default`) stand for: the caller's configured model. Claude Code uses `inherit` in
   * subagent and skill front matter for "the model of the session"; `default` clears an override. Defaults to
   * DEFAULT_MODEL.
   */
  inherited?: string;
  /** What named the model, quoted in the errors (`the claudeCache.model setting`, `the model: line of x.md`). */
  chosenBy?: string;
}

export interface ResolvedModel {
  /** The id to send to the API (a dated snapshot id stays pinned when that is what was written). */
  id: string;
  /** The name as written. */
  requestedAs: string;
  via: 'id' | 'alias' | 'display-name' | 'inherit';
  /** Set when the model still answers but is deprecated: show `warning` to the user. */
  deprecation?: { warning: string; retiresOn: string | undefined; replacement: string | undefined };
}

/**
 * Turns a model name as written in settings or a workflow file into an id the API serves, before any call:
 * an exact id or snapshot id; a family alias (`opus`, `sonnet`, `haiku`, `fable`: the current model of the
 * family, see familyAliases.ts); `inherit` / `default`; a Copilot or VS Code display name (`Claude Sonnet 4.5
 * (copilot)`, `claude-sonnet-4`: the table's model of that family and version). Claude Code's `[1m]` suffix is
 * dropped, the 1M window being native or chosen by the request. Throws UnknownModelError for anything else and
 * ModelRetiredError for a model retired on `today`; returns a deprecation warning for a deprecated one.
 */
export function resolveModel(name: string, options: ResolveModelOptions): ResolvedModel {
  const requestedAs = name.trim();
  const found = findId(requestedAs, options.inherited, options.chosenBy);
  const verdict = lifecycleOf(found.id, options.today, requestedAs, options.chosenBy);
  if (verdict.status === 'retired') throw verdict.error;
  const resolved: ResolvedModel = { id: found.id, requestedAs, via: found.via };
  if (verdict.status === 'deprecated') {
    resolved.deprecation = { warning: verdict.warning, retiresOn: verdict.retiresOn, replacement: verdict.replacement };
  }
  return resolved;
}

function findId(requestedAs: string, inherited: string | undefined, chosenBy: string | undefined): Pick<ResolvedModel, 'id' | 'via'> {
  const base = requestedAs.toLowerCase().replace(/\[1m\]$/, '');
  if (base === '') throw new UnknownModelError(requestedAs, [], chosenBy);

  if (base === 'inherit' || base === 'default') {
    const chosen = inherited?.trim() ?? '';
    // An inherited `inherit` would loop; it means nobody chose, so the default applies.
    const usable = chosen === '' || /^(inherit|default)$/i.test(chosen) ? DEFAULT_MODEL : chosen;
    return { id: findId(usable, undefined, chosenBy).id, via: 'inherit' };
  }
  if (findModel(base)) return { id: base, via: 'id' };

  const aliased = FAMILY_ALIASES[base as ModelFamily];
  if (aliased) return { id: aliased, via: 'alias' };

  const named = parseModelName(base);
  if (named) {
    const current = currentIdOf(named.family);
    if (named.version === undefined) {
      if (current) return { id: current, via: 'display-name' };
    } else {
      const record = MODEL_TABLE.find((row) => row.family === named.family && row.version === named.version);
      if (record) return { id: record.id, via: 'display-name' };
    }
    throw new UnknownModelError(requestedAs, current ? [current] : [], chosenBy);
  }
  throw new UnknownModelError(requestedAs, [], chosenBy);
}
