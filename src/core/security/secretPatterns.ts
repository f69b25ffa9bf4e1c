/** What kind of secret a finding is; names the redaction marker, never the secret. */
export type SecretKind =
  | 'private-key'
  | 'anthropic-key'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'github-token'
  | 'gitlab-token'
  | 'npm-token'
  | 'slack-token'
  | 'openai-key'
  | 'google-api-key'
  | 'stripe-key'
  | 'jwt'
  | 'url-password'
  | 'env-secret'
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
  // Vendor tokens by their documented prefixes. Each is a literal prefix and then one greedy character class with
  // nothing required after it (or a fixed count), so a failed attempt costs at most the run after one prefix.
  // GitLab: personal/project/group access tokens start `glpat-`; newer ones carry `.`-separated parts
  // (https://gitlab.com/gitlab-org/gitlab/-/issues/342327, https://gitlab.com/gitlab-org/gitlab/-/merge_requests/211171).
  { kind: 'gitlab-token', regex: /\bglpat-[A-Za-z0-9_.-]{20,}/g },
  // npm: `npm_` and 36 base62 characters, the last six a CRC32 checksum
  // (https://github.blog/2021-09-23-announcing-npms-new-access-token-format/).
  { kind: 'npm-token', regex: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  // Slack: bot xoxb-, user xoxp-, app-level xapp-, configuration xoxe.xoxp-, legacy xoxa-/xoxo-/xoxr-/xoxs-; up to
  // 255 characters (https://api.slack.com/authentication/token-types, https://docs.slack.dev/authentication/tokens).
  { kind: 'slack-token', regex: /\b(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}/g },
  // OpenAI: project keys sk-proj-, service-account sk-svcacct-, admin sk-admin- (URL-safe body), and legacy user keys
  // sk- and base62 (https://vibekit.bot/openai-api-key-format). The legacy shape has no hyphen in its body, which
  // keeps hyphenated CSS names such as `sk-fading-circle` out; `sk-ant-` is the Anthropic pattern above.
  { kind: 'openai-key', regex: /\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})/g },
  // Google API keys: `AIza` and 35 URL-safe characters, 39 in all (https://cloud.google.com/docs/authentication/api-keys).
  { kind: 'google-api-key', regex: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  // Stripe live secret and restricted keys; test keys cannot act on live data, and publishable keys are public
  // (https://docs.stripe.com/keys; Stripe's own suggested rule: https://gitlab.com/gitlab-org/gitlab/-/issues/458019).
  { kind: 'stripe-key', regex: /\b[rs]k_live_[A-Za-z0-9]{10,}/g },
  // A JWT: base64url parts separated by periods (https://datatracker.ietf.org/doc/rfc7519/,
  // https://iana.org/assignments/media-types/application/jwt); header and claims are JSON objects, so both start
  // `eyJ` (base64 of `{"`). A start may not sit inside a run of base64url characters: `-` is one of them but not a
  // word character, so `\b` would let every `eyJ` of `eyJ-eyJ-…` start a scan of the whole run.
  { kind: 'jwt', regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
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
  // A password in a URL's userinfo, any scheme (`postgres://user:pass@host`, `redis://:pass@host`; RFC 3986 3.2.1,
  // https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1, deprecates it, yet connection strings use it).
  // Anchored on `://` rather than on the scheme, so no scan runs over a long word to find one; the user part stops
  // at `:` and the password at `/`, so each attempt reads only up to the next `://`.
  { kind: 'url-password', regex: /(?<=[A-Za-z0-9+.-]):\/\/[^\s/?#@:]*:([^\s/?#@]+)@/g, group: 1 },
  // An environment assignment of a credential, as in .env files, shell and compose files: an upper-case name
  // ending in PASSWORD, SECRET, TOKEN, … then `=` with no space. Any value counts, letters only included
  // (`DB_PASSWORD=hunter`), except a reference to another variable (`$X`, `\${X}`). The upper-case, no-space shape
  // keeps code (`const token = getToken()`, `API_KEY: string`) out. The value class has nothing required after
  // it, so a match never backtracks; a quoted value stops at its closing quote or the end of the line.
  {
    kind: 'env-secret',
    regex: new RegExp(
      String.raw`(?<![a-z0-9])(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_KEY|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)` +
        String.raw`=(?!=)("(?![$"])[^"\r\n]+"|'(?![$'])[^'\r\n]+'|(?![$"'])${BARE}+)`,
      'g',
    ),
    group: 1,
  },
];
