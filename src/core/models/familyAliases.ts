import type { ModelFamily } from './modelRecord';

/**
 * What the family aliases mean today, as Claude Code resolves them in `--model`, settings and the `model:`
 * field of skills, commands and subagents (https://code.claude.com/docs/en/model-config, checked 2026-12-06):
 * on the Anthropic API `opus`, `sonnet` and `haiku` resolve to the newest version (Opus 5.5, Sonnet 5.5,
 * Haiku 5.5), and `fable` to Fable 5.2 (everywhere but Claude apps gateway sessions). Mythos has no alias.
 * Update these with the table when a new model ships.
 */
export const FAMILY_ALIASES: Readonly<Partial<Record<ModelFamily, string>>> = Object.freeze({
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
  fable: 'claude-fable-5-2',
});

/** The current id of a family, or undefined for a family without an alias (mythos). */
export function currentIdOf(family: ModelFamily): string | undefined {
  return FAMILY_ALIASES[family];
}
