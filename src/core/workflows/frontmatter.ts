import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';

/** A YAML frontmatter block split from its Markdown body, with line numbers kept for problem reports. */
export interface Frontmatter {
  /** Top-level keys and their values; empty when there is no frontmatter. */
  fields: Record<string, unknown>;
  /** 1-based line of each key in the file. */
  lines: Record<string, number>;
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

/** Frontmatter is optional: a file that does not open with `---` is all body. Line ends come back as `\n`. */
export function parseFrontmatter(source: string): Frontmatter | FrontmatterError {
  const text = source.replace(/\r\n/g, '\n');
  const opening = OPENING.exec(text);
  if (opening === null) return { fields: {}, lines: {}, body: text.replace(/^\uFEFF/, ''), bodyLine: 1 };

  const rest = text.slice(opening[0].length);
  const restLines = rest.split('\n');
  const closingIndex = restLines.findIndex((line) => CLOSING.test(line));
  if (closingIndex < 0) return { line: 1, message: 'the frontmatter opened here is never closed by a `---` line' };

  const yamlText = restLines.slice(0, closingIndex).join('\n');
  const body = restLines.slice(closingIndex + 1).join('\n');
  // The YAML starts on file line 2, right after the opening `---`.
  const fileLine = (yamlLine: number): number => yamlLine + 1;

  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    return { line: fileLine(lineCounter.linePos(error.pos[0]).line), message: `invalid YAML frontmatter: ${error.message}` };
  }

  const fields: Record<string, unknown> = {};
  const lines: Record<string, number> = {};
  if (doc.contents !== null) {
    if (!isMap(doc.contents)) {
      return { line: 2, message: 'the frontmatter must be a set of `key: value` lines' };
    }
    const values = doc.toJS() as Record<string, unknown>;
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      fields[key] = values[key];
      const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      if (offset !== undefined) lines[key] = fileLine(lineCounter.linePos(offset).line);
    }
  }
  return { fields, lines, body, bodyLine: closingIndex + 3 };
}

export function isFrontmatterError(value: Frontmatter | FrontmatterError): value is FrontmatterError {
  return 'message' in value;
}
