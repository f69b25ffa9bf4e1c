import type { Document, LineCounter } from 'yaml';
import { yamlModule } from '../lazy/lazyModules';

/** A YAML frontmatter block split from its Markdown body, with line numbers kept for problem reports. */
export interface Frontmatter {
  /** Top-level keys and their values; empty when there is no frontmatter. Every key is kept, used or not. */
  fields: Record<string, unknown>;
  /** 1-based line of each key in the file. */
  lines: Record<string, number>;
  /** Each value's text as written in the file (for `argument-hint: [a]`, which YAML reads as a list). */
  written: Record<string, string>;
  /**
   * Keys whose line is not valid YAML but is a plain `key: value` line, read as that text: Claude Code's docs write
   * `argument-hint: [pr-number] [priority]` (https://code.claude.com/docs/en/slash-commands, "Frontmatter",
   * seen 2026-12-06), which a strict YAML parser refuses.
   */
  readAsText: string[];
  body: string;
  /** 1-based line of the body's first character in the file. */
  bodyLine: number;
}

export interface FrontmatterError {
  line: number;
  message: string;
}

const OPENING = /^\uFEFF?---[ \t]*\n/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;
/** A top-level `key: value` line, the only shape a broken line is read as text from. */
const SIMPLE_LINE = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):[ \t]+(\S.*?)[ \t]*$/;
/** How many broken lines are read as text before the frontmatter is refused as a whole. */
const MAX_TEXT_LINES = 8;

/** Frontmatter is optional: a file that does not open with `---` is all body. Line ends come back as `\n`. */
export function parseFrontmatter(source: string): Frontmatter | FrontmatterError {
  const text = source.replace(/\r\n/g, '\n');
  const opening = OPENING.exec(text);
  if (opening === null) return { fields: {}, lines: {}, written: {}, readAsText: [], body: text.replace(/^\uFEFF/, ''), bodyLine: 1 };

  const rest = text.slice(opening[0].length);
  const restLines = rest.split('\n');
  const closingIndex = restLines.findIndex((line) => CLOSING.test(line));
  if (closingIndex < 0) return { line: 1, message: 'the frontmatter opened here is never closed by a `---` line' };

  const yamlLines = restLines.slice(0, closingIndex);
  const body = restLines.slice(closingIndex + 1).join('\n');
  // The YAML starts on file line 2, right after the opening `---`.
  const fileLine = (yamlLine: number): number => yamlLine + 1;

  const readAsText: string[] = [];
  for (;;) {
    const yaml = yamlModule();
    const lineCounter = new yaml.LineCounter();
    const doc = yaml.parseDocument(yamlLines.join('\n'), { lineCounter, prettyErrors: false, uniqueKeys: true });
    const error = doc.errors[0];
    if (error === undefined) {
      const parsed = readFields(doc, lineCounter, yamlLines.join('\n'), fileLine);
      if ('message' in parsed) return parsed;
      return { ...parsed, readAsText, body, bodyLine: closingIndex + 3 };
    }
    const index = lineCounter.linePos(error.pos[0]).line - 1;
    const simple = SIMPLE_LINE.exec(yamlLines[index] ?? '');
    // A broken plain `key: value` line is read as the text it plainly is; anything else is refused.
    if (error.code === 'DUPLICATE_KEY' || simple === null || readAsText.length >= MAX_TEXT_LINES || readAsText.includes(simple[1] as string)) {
      return { line: fileLine(index + 1), message: `the frontmatter is not valid YAML at line ${fileLine(index + 1)}: ${explain(error.code, yamlLines[index] ?? '')}` };
    }
    const [, key, value] = simple as unknown as [string, string, string];
    yamlLines[index] = `${key}: ${JSON.stringify(value)}`;
    readAsText.push(key);
  }
}

function readFields(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  yamlText: string,
  fileLine: (yamlLine: number) => number,
): Pick<Frontmatter, 'fields' | 'lines' | 'written'> | FrontmatterError {
  const fields: Record<string, unknown> = {};
  const lines: Record<string, number> = {};
  const written: Record<string, string> = {};
  if (doc.contents === null) return { fields, lines, written };
  const { isMap, isNode, isScalar } = yamlModule();
  if (!isMap(doc.contents)) return { line: 2, message: 'the frontmatter must be a set of `key: value` lines' };
  const values = doc.toJS() as Record<string, unknown>;
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) continue;
    fields[key] = values[key];
    const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (offset !== undefined) lines[key] = fileLine(lineCounter.linePos(offset).line);
    const range = isNode(pair.value) ? pair.value.range : undefined;
    if (range) written[key] = yamlText.slice(range[0], range[1]).trim();
  }
  return { fields, lines, written };
}

/** What is wrong with a line, in our words, by the YAML parser's error code. */
function explain(code: string, line: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return `the key on this line is set twice (\`${line.split(':')[0]?.trim()}\`); keep one`;
    case 'TAB_AS_INDENT':
      return 'it is indented with a tab; YAML needs spaces';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'it does not line up with the lines above it, or a quote, bracket or list opened above it is not closed';
    case 'BAD_DQ_ESCAPE':
      return 'a double-quoted text has a backslash escape YAML does not know; use single quotes instead';
    case 'BAD_ALIAS':
    case 'ALIAS_PROPS':
    case 'BAD_SCALAR_START':
      return 'the value starts with a character YAML reserves (such as `*`, `&`, `` ` `` or `@`); put it in quotes';
    default:
      return 'this line cannot be read as `key: value` YAML; put the value in quotes';
  }
}

export function isFrontmatterError(value: Frontmatter | FrontmatterError): value is FrontmatterError {
  return 'message' in value;
}
