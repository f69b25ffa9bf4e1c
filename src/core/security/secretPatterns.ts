/** What kind of secret a finding is; names the redaction marker, never the secret. */
export type SecretKind =
  | 'private-key'
  | 'anthropic-key'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'github-token'
  | 'password';

export interface SecretPattern {
  kind: SecretKind;
  /** Global, so every occurrence is found. */
  regex: RegExp;
  /** The capture group holding the secret itself, when the match also holds its label (`password=`). */
  group?: number;
}

/** A character of a bare (unquoted) labelled value: anything up to whitespace, a quote, `,`, `;` or a parenthesis. */
const BARE = String.raw`[^\s"',;()]`;

/**
 * The longest bare labelled value held to the "has a digit, ends at a delimiter" rule. The bound keeps the
 * pattern linear: JavaScript regexes backtrack (V8's Irregexp; its linear engine refuses lookarounds,
 * https://v8.dev/blog/non-backtracking-regexp) and have no atomic groups yet
 * (https://github.com/tc39/proposal-regexp-atomic-operators), so an unbounded `[^…]*\d` lookahead after every
 * label of a run like `password=password=…` rescanned the rest of the run each time: 18 s for 256 KB. Now each
 * label costs at most this many characters, and a longer value is matched whole, so the scan skips past it.
 */
const MAX_BARE_VALUE_CHARS = 64;

/**
 * Likely secrets by the shapes their issuers give them. Tuned to miss little: a false positive costs a memory-only
 * entry or a redacted log word; a miss can put a credential on a shared server.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // A block with no END line (cut off by a selection) still hides everything after BEGIN.
  { kind: 'private-key', regex: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g },
  { kind: 'anthropic-key', regex: /\bsk-ant-[A-Za-z0-9_-]{8,}/g },
  { kind: 'aws-access-key', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'aws-secret-key', regex: /\baws_?secret_?access_?key\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/gi, group: 1 },
  { kind: 'github-token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  // A labelled value: a quoted literal, or a bare word as in .env and YAML files. A bare value up to
  // MAX_BARE_VALUE_CHARS must hold a digit and end at a delimiter, so code (`apiKey: string`,
  // `password = getPassword()`, `secret === x`) is left alone; a longer one counts whatever it holds: code rarely
  // puts an unbroken run that long after such a label, and a long opaque token should not need a digit to count.
  {
    kind: 'password',
    regex: new RegExp(
      String.raw`(?<![A-Za-z0-9])(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)(?![A-Za-z0-9])["']?\s*[:=](?!=)\s*` +
        String.raw`("[^"\r\n]+"|'[^'\r\n]+'|${BARE}{${MAX_BARE_VALUE_CHARS + 1}}${BARE}*|(?=${BARE}{0,${MAX_BARE_VALUE_CHARS - 1}}\d)${BARE}{1,${MAX_BARE_VALUE_CHARS}}(?=[\s"',;]|$))`,
      'gi',
    ),
    group: 1,
  },
];
