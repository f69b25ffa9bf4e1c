/**
 * Just enough of the shell's syntax to check a `` !`cmd` `` command against Bash permission rules: where one
 * command ends and the next begins, and which redirections it makes. Anything it cannot read with certainty
 * (command substitution, subshells, here-documents, an unclosed quote) is reported as unreadable, and the
 * caller refuses it unless a rule allows every command.
 *
 * The separators are the ones Claude Code names: `&&`, `||`, `;`, `|`, `|&`, `&` and newlines, "a rule must
 * match each subcommand independently"; a dangling `&&` or `||` makes the command unparseable
 * (https://code.claude.com/docs/en/permissions, "Compound commands", stored copy fetched 2026-10-08, seen
 * 2026-12-06). Redirections are taken out of the text a rule is matched against, as Claude Code matches
 * `python script.py > out.txt` against `Bash(python *)` and checks the target separately (same page,
 * "Redirections"); here an output redirection to a file is refused outright, since a context command has no
 * business writing files and we have no Edit rules to check the target against.
 */

/** A command split into the simple commands that run, with redirections removed from their text. */
export interface ParsedCommand {
  ok: true;
  /** Each simple command's words joined by single spaces, quotes kept as written. */
  subcommands: string[];
  /** The separators between them, in order (one fewer than subcommands, or as many when it ends in `;`). */
  separators: string[];
}

export interface UnreadableCommand {
  ok: false;
  /** Why the command cannot be checked, phrased to follow "it": "uses command substitution ($(...))". */
  reason: string;
}

const SEPARATORS = ['&&', '||', '|&', '|', ';', '&', '\n'] as const;
/** Redirection targets that touch no file. */
const HARMLESS_TARGETS = new Set(['/dev/null']);

export function parseCommand(command: string): ParsedCommand | UnreadableCommand {
  const subcommands: string[] = [];
  const separators: string[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;

  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endSubcommand = (separator: string): UnreadableCommand | undefined => {
    endWord();
    if (words.length === 0) {
      return { ok: false, reason: `has nothing before or after \`${separator === '\n' ? 'a line break' : separator}\`` };
    }
    subcommands.push(words.join(' '));
    separators.push(separator);
    words = [];
    return undefined;
  };

  while (i < command.length) {
    const char = command[i] as string;

    if (char === '\\') {
      // A backslash-newline continues the line; any other escaped character is part of the word as written.
      if (command[i + 1] === '\n') {
        i += 2;
        continue;
      }
      word += command.slice(i, i + 2);
      inWord = true;
      i += 2;
      continue;
    }
    if (char === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) return { ok: false, reason: 'has an unclosed single quote' };
      word += command.slice(i, end + 1);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (char === '"') {
      const end = closingDoubleQuote(command, i);
      if (typeof end !== 'number') return end;
      word += command.slice(i, end + 1);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (char === '`') return { ok: false, reason: 'uses command substitution (`...`)' };
    if (char === '$' && command[i + 1] === '(') return { ok: false, reason: 'uses command substitution ($(...))' };
    if ((char === '<' || char === '>') && command[i + 1] === '(') {
      return { ok: false, reason: `uses process substitution (${char}(...))` };
    }
    if (char === '(' || char === ')') return { ok: false, reason: 'runs a subshell ( ... )' };

    // Redirections: `[n]>`, `[n]>>`, `[n]>|`, `&>`, `&>>`, `[n]<`, `[n]<<` (a here-document).
    const redirect = readRedirect(command, i, inWord ? word : '');
    if (redirect) {
      if ('reason' in redirect) return { ok: false, reason: redirect.reason };
      // A leading fd number (`2>`) was read into the current word: it belongs to the redirection.
      if (redirect.fdInWord) {
        word = '';
        inWord = false;
      } else {
        endWord();
      }
      i = redirect.end;
      continue;
    }

    const separator = SEPARATORS.find((candidate) => command.startsWith(candidate, i));
    if (separator) {
      endWord();
      // Blank lines (and the line break after `a;`) end nothing.
      if (separator === '\n' && words.length === 0) {
        i += 1;
        continue;
      }
      const problem = endSubcommand(separator);
      if (problem) return problem;
      i += separator.length;
      continue;
    }
    if (char === ' ' || char === '\t') {
      endWord();
      i += 1;
      continue;
    }
    word += char;
    inWord = true;
    i += 1;
  }
  endWord();
  if (words.length > 0) {
    subcommands.push(words.join(' '));
  } else {
    const last = separators[separators.length - 1];
    // `a;` and `a<newline>` are complete; `a &&`, `a ||`, `a |` and `a &` are not (`a &` would also leave a
    // process running after the command returns).
    if (last === undefined) return { ok: false, reason: 'is empty' };
    if (last !== ';' && last !== '\n') return { ok: false, reason: `ends with \`${last}\` and nothing after it` };
    separators.pop();
  }
  return { ok: true, subcommands, separators };
}

/** The index of the `"` closing the one at `start`, or why the text inside cannot be checked. */
function closingDoubleQuote(command: string, start: number): number | UnreadableCommand {
  for (let i = start + 1; i < command.length; i += 1) {
    const char = command[i];
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === '"') return i;
    if (char === '`') return { ok: false, reason: 'uses command substitution (`...`)' };
    if (char === '$' && command[i + 1] === '(') return { ok: false, reason: 'uses command substitution ($(...))' };
  }
  return { ok: false, reason: 'has an unclosed double quote' };
}

interface Redirect {
  /** Index just past the redirection and its target. */
  end: number;
  /** The current word was its fd number (`2` of `2>`), so that word is dropped rather than ended. */
  fdInWord: boolean;
}

/**
 * Reads a redirection starting at `i` (where `<`, `>` or the `&` of `&>` is), with `pending` the word read so
 * far; undefined when there is none there, or why it is refused.
 */
function readRedirect(command: string, i: number, pending: string): Redirect | { reason: string } | undefined {
  let j = i;
  const ampersandFirst = command[j] === '&' && command[j + 1] === '>';
  if (ampersandFirst) j += 1;
  const direction = command[j];
  if (direction !== '<' && direction !== '>') return undefined;
  const fdInWord = !ampersandFirst && /^\d+$/.test(pending);
  j += 1;
  if (direction === '<' && command[j] === '<') return { reason: 'uses a here-document (<<)' };
  if (direction === '>' && (command[j] === '>' || command[j] === '|')) j += 1;
  // `>&2`, `2>&1`, `<&3`, `>&-`: duplicating or closing a descriptor writes no file.
  if (command[j] === '&') {
    const match = /^&(\d+|-)/.exec(command.slice(j));
    if (!match) return { reason: 'has a redirection it cannot read' };
    return { end: j + match[0].length, fdInWord };
  }
  while (command[j] === ' ' || command[j] === '\t') j += 1;
  const target = /^[^\s;&|<>()]+/.exec(command.slice(j))?.[0];
  if (!target) return { reason: 'has a redirection without a target' };
  if (!HARMLESS_TARGETS.has(target)) {
    const operator = command.slice(i, j).trim();
    return {
      reason:
        direction === '>'
          ? `writes to a file (${operator} ${target}); a workflow's commands may only print`
          : `reads a file through a redirection (${operator} ${target})`,
    };
  }
  return { end: j + target.length, fdInWord };
}
