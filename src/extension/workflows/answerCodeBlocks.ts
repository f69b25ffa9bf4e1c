/** A fenced code block of an answer. */
export interface CodeBlock {
  /** 0-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`), empty when none. */
  readonly language: string;
  /** The block's text, without the fences. */
  readonly code: string;
}

/**
 * The fenced code blocks of a Markdown answer, in order. A fence is three or more backticks or tildes, closed by
 * a fence of the same character at least as long (CommonMark, https://spec.commonmark.org/0.31.2/#fenced-code-blocks);
 * a block still open at the end (an answer streaming in) is left out until it closes.
 */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let open: { line: number; fence: string; indent: number; language: string; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (!open) {
      const start = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)/.exec(text);
      if (start) open = { line: index, fence: start[2] as string, indent: (start[1] as string).length, language: start[3] ?? '', body: [] };
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
    if (close && (close[1] as string)[0] === open.fence[0] && (close[1] as string).length >= open.fence.length) {
      blocks.push({ line: open.line, language: open.language, code: open.body.join('\n') });
      open = undefined;
      return;
    }
    // Content lines lose up to the fence's own indentation, as CommonMark says.
    open.body.push(text.replace(new RegExp(`^ {0,${open.indent}}`), ''));
  });
  return blocks;
}

/** A short label for a pick list: the language and the first non-empty line. */
export function describeCodeBlock(block: CodeBlock, index: number): string {
  const first = block.code.split('\n').find((line) => line.trim() !== '')?.trim() ?? '(empty)';
  const shortened = first.length > 60 ? `${first.slice(0, 59)}…` : first;
  return `${index + 1}. ${block.language ? `${block.language}: ` : ''}${shortened}`;
}
