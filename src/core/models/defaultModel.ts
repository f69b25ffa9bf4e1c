/**
 * The model used when none is chosen: the docs' "best combination of speed and intelligence", Claude Sonnet 5.5,
 * marked Latest on https://platform.claude.com/docs/en/models/sonnet-5-5/overview (checked 2026-12-06), current
 * and not deprecated. Listed in @anthropic-ai/sdk 1.12's `Model` type. Tests check it against the model table.
 */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
