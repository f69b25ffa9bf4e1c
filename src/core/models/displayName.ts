import type { ModelFamily } from './modelRecord';

/** A model named by family and, when given, version ('4.5', '4', '5.5'). */
export interface NamedModel {
  family: ModelFamily;
  version: string | undefined;
}

const FAMILIES: ReadonlySet<string> = new Set<ModelFamily>(['opus', 'sonnet', 'haiku', 'fable', 'mythos']);
/** Words that describe a mode of the same model in pickers (`claude-3.7-sonnet-thought`), not another model. */
const MODE_WORDS: ReadonlySet<string> = new Set(['thought', 'thinking']);
const SNAPSHOT_DATE = /^\d{8}$/;

/**
 * Reads a model name the way people and tools write it in a prompt file's `model:` field: Copilot / VS Code
 * display names with the vendor in parentheses (`Claude Sonnet 4.5 (copilot)`, the qualified form VS Code uses
 * in .prompt.md and .agent.md front matter, https://code.visualstudio.com/docs/agent-customization/prompt-files),
 * plain display names (`Claude Opus 4.1`, the older `Claude 3.5 Sonnet`), and Copilot's model ids
 * (`claude-sonnet-4`, `claude-sonnet-4.5`, `claude-opus-41`, `claude-3.7-sonnet-thought`). Case and separators
 * do not matter. Returns undefined when the name does not name exactly one Claude family with at most a version.
 */
export function parseModelName(name: string): NamedModel | undefined {
  let text = name.trim().toLowerCase();
  while (/\([^()]*\)\s*$/.test(text)) text = text.replace(/\s*\([^()]*\)\s*$/, '');
  text = text.replace(/^anthropic[/.]/, '');
  const words = text.split(/[\s_-]+/).filter((word) => word !== '' && word !== 'claude' && !MODE_WORDS.has(word));

  const families = words.filter((word) => FAMILIES.has(word));
  if (families.length !== 1) return undefined;
  const numbers = words.filter((word) => !FAMILIES.has(word) && !SNAPSHOT_DATE.test(word));
  if (!numbers.every((word) => /^\d+(\.\d+)?$/.test(word))) return undefined;

  return { family: families[0] as ModelFamily, version: versionOf(numbers) };
}

/** ['4', '5'] and ['4.5'] are 4.5; Copilot's run-together ['41'] is 4.1; a trailing .0 is dropped (4.0 is 4). */
function versionOf(numbers: readonly string[]): string | undefined {
  if (numbers.length === 0) return undefined;
  let parts = numbers.flatMap((word) => word.split('.'));
  if (parts.length === 1 && /^\d\d$/.test(parts[0] ?? '')) parts = [...(parts[0] ?? '')];
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts = parts.slice(0, -1);
  return parts.join('.');
}
