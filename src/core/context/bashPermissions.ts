import { parseCommand } from './shellSyntax';

/**
 * Bash permission rules as a workflow's `allowed-tools` writes them, matched the way Claude Code documents
 * (https://code.claude.com/docs/en/permissions, "Permission rule syntax" and "Wildcard patterns", stored copy
 * fetched 2026-10-08, seen 2026-12-06):
 * - `Bash` and `Bash(*)` match every command.
 * - `Bash(npm run build)`, with no `*`, matches exactly that command.
 * - A `*` matches any text, spaces included, and may stand anywhere; everything else is matched as written.
 * - A trailing ` *` that is the rule's only wildcard also matches the bare command: `Bash(ls *)` matches `ls`
 *   and `ls -la`, not `lsof`; `Bash(ls*)` matches `lsof` too.
 * - `:*` at the very end is the same as a trailing ` *`, so `Bash(git status:*)` matches `git status` and
 *   `git status --short`; anywhere else the colon is literal.
 * - Parentheses inside the specifier are literal.
 * - A compound command is allowed only when each of its commands is (see shellSyntax.ts).
 *
 * Skills may list tools separated by spaces (`Bash(git add *) Bash(git status *)`) as well as commas
 * (https://code.claude.com/docs/en/skills, "Pre-approve tools for a skill", same dates), so every entry is
 * scanned for Bash rules rather than taken as one rule.
 *
 * Stricter than Claude Code on purpose, since nobody is asked here: no wrapper (`timeout`, `nice`, ...) or
 * leading `VAR=value` is stripped before matching, and Claude Code's built-in set of read-only commands it runs
 * without a rule is not used: a command runs only when a rule in the workflow's own file allows it.
 */
export interface BashRule {
  /** The rule as written, e.g. `Bash(git status:*)`. */
  written: string;
  /** `Bash` or `Bash(*)`: allows even what cannot be split into simple commands. */
  allowsEverything: boolean;
  matches(command: string): boolean;
}

/** The Bash rules among a workflow's allowed tools, in the order written. */
export function bashRulesFrom(allowedTools: readonly string[]): BashRule[] {
  return allowedTools.flatMap((entry) => scanBashRules(entry));
}

/** Either the command is allowed, or the command (or part of it) no rule allows and a rule that would. */
export type PermissionVerdict =
  | { allowed: true }
  | { allowed: false; reason: string; neededPattern: string };

export function checkCommandAgainstRules(command: string, rules: readonly BashRule[]): PermissionVerdict {
  const text = command.trim();
  if (rules.some((rule) => rule.allowsEverything)) return { allowed: true };
  const parsed = parseCommand(text);
  if (!parsed.ok) {
    return { allowed: false, reason: `it ${parsed.reason}, which cannot be checked against Bash rules`, neededPattern: 'Bash' };
  }
  for (const subcommand of parsed.subcommands) {
    if (rules.some((rule) => rule.matches(subcommand))) continue;
    const part = parsed.subcommands.length > 1 ? `\`${subcommand}\` (part of it) is` : 'it is';
    return { allowed: false, reason: `${part} not allowed by any Bash rule`, neededPattern: suggestedRule(subcommand) };
  }
  return { allowed: true };
}

/** The narrowest rule that names the program and its subcommand: `Bash(git status *)` for `git status -s`. */
function suggestedRule(subcommand: string): string {
  const words = subcommand.split(' ');
  const head = words.slice(0, Math.min(2, words.length)).join(' ');
  return words.length <= 2 ? `Bash(${subcommand})` : `Bash(${head} *)`;
}

function scanBashRules(entry: string): BashRule[] {
  const rules: BashRule[] = [];
  const pattern = /(^|[\s,])Bash(?=$|[\s,(])/g;
  for (let match = pattern.exec(entry); match; match = pattern.exec(entry)) {
    const start = match.index + (match[1] ?? '').length;
    let end = start + 'Bash'.length;
    let specifier: string | undefined;
    if (entry[end] === '(') {
      const close = closingParenthesis(entry, end);
      if (close === -1) continue; // `Bash(git status` never closed: not a rule.
      specifier = entry.slice(end + 1, close);
      end = close + 1;
    }
    rules.push(ruleFor(entry.slice(start, end), specifier));
    pattern.lastIndex = end;
  }
  return rules;
}

/** Parentheses inside a specifier are literal, so nested pairs are balanced rather than ending it early. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function ruleFor(written: string, specifier: string | undefined): BashRule {
  if (specifier === undefined || specifier.trim() === '*') return { written, allowsEverything: true, matches: () => true };
  const pattern = specifier.endsWith(':*') ? `${specifier.slice(0, -2)} *` : specifier;
  const wildcards = pattern.split('*').length - 1;
  if (wildcards === 0) return { written, allowsEverything: false, matches: (command) => command === pattern };
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('[\\s\\S]*')}$`);
  const bare = wildcards === 1 && pattern.endsWith(' *') ? pattern.slice(0, -2) : undefined;
  return { written, allowsEverything: false, matches: (command) => regex.test(command) || command === bare };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
