import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pick, seededRandom } from './random';

/** What the result layer stores for one answer (the shape of the pipeline's CachedAnswer). */
export interface BenchAnswer {
  text: string;
  model: string;
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; cacheWrite5mTokens: number; cacheWrite1hTokens: number; cacheReadTokens: number };
  costUsd: number;
  createdAt: number;
}

/**
 * Prose paragraphs and code snippets taken from the installed packages' READMEs and sources, so generated
 * answers compress like real ones (repeated filler would flatter LZ4). The file lists are sorted, so the corpus
 * is the same on every machine with the same lockfile.
 */
export interface Corpus {
  paragraphs: string[];
  snippets: Array<{ language: string; code: string }>;
}

const CODE_SOURCES: ReadonlyArray<{ dir: string; extension: string; language: string }> = [
  { dir: 'ioredis/built', extension: '.js', language: 'js' },
  { dir: 'lru-cache/dist/esm', extension: '.js', language: 'js' },
  { dir: 'msgpackr', extension: '.js', language: 'js' },
  { dir: 'yaml/dist', extension: '.js', language: 'js' },
  { dir: 'mocha/lib', extension: '.js', language: 'js' },
  { dir: 'ioredis/built', extension: '.d.ts', language: 'ts' },
  { dir: '@anthropic-ai/sdk/src/resources', extension: '.ts', language: 'ts' },
  { dir: 'surrealdb/dist', extension: '.d.ts', language: 'ts' },
];

let cached: Corpus | undefined;

export function loadCorpus(root: string): Corpus {
  if (cached) return cached;
  const modules = path.join(root, 'node_modules');
  const paragraphs = readmeFiles(modules).flatMap((file) => proseParagraphs(readFileSync(file, 'utf8')));
  const snippets: Corpus['snippets'] = [];
  for (const source of CODE_SOURCES) {
    for (const file of listFiles(path.join(modules, source.dir), source.extension, 2)) {
      for (const code of codeSnippets(readFileSync(file, 'utf8'))) snippets.push({ language: source.language, code });
    }
  }
  if (paragraphs.length < 100 || snippets.length < 100) {
    throw new Error(`corpus too small (${paragraphs.length} paragraphs, ${snippets.length} snippets): is node_modules installed?`);
  }
  cached = { paragraphs, snippets };
  return cached;
}

/** The answer's fields besides its text take about this many bytes of JSON. */
const ANSWER_OVERHEAD_BYTES = 240;

/**
 * A Claude-like answer whose JSON is about `bytes` UTF-8 bytes: prose, fenced code and lists; distinct for every
 * `seed`.
 */
export function buildAnswer(corpus: Corpus, bytes: number, seed: number): BenchAnswer {
  const random = seededRandom(seed * 2_654_435_761 + bytes);
  const textBytes = Math.max(64, bytes - ANSWER_OVERHEAD_BYTES);
  const parts: string[] = [];
  let size = 0;
  const add = (text: string): void => {
    parts.push(text);
    size += Buffer.byteLength(text) + 2;
  };
  add(pick(corpus.paragraphs, random));
  while (size < textBytes) {
    const roll = random();
    if (roll < 0.45) {
      add(pick(corpus.paragraphs, random));
    } else if (roll < 0.8) {
      const snippet = pick(corpus.snippets, random);
      add(`\`\`\`${snippet.language}\n${snippet.code}\n\`\`\``);
    } else {
      const items = [0, 1, 2].map(() => `- ${firstSentence(pick(corpus.paragraphs, random))}`);
      add(items.join('\n'));
    }
  }
  const text = truncateBytes(parts.join('\n\n'), textBytes);
  const outputTokens = Math.ceil(text.length / 4);
  return {
    text,
    model: 'claude-sonnet-5-5',
    stopReason: 'end_turn',
    usage: { inputTokens: 1200 + (seed % 800), outputTokens, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 900 },
    costUsd: Number(((1200 * 3 + outputTokens * 15) / 1e6).toFixed(6)),
    createdAt: 1_767_225_600_000 + seed,
  };
}

/** Size of the answer's JSON, the figure value sizes are named by. */
export function answerBytes(answer: BenchAnswer): number {
  return Buffer.byteLength(JSON.stringify(answer));
}

function readmeFiles(modules: string): string[] {
  const found: string[] = [];
  for (const entry of safeList(modules)) {
    const dirs = entry.startsWith('@') ? safeList(path.join(modules, entry)).map((sub) => path.join(entry, sub)) : [entry];
    for (const dir of dirs) {
      const file = path.join(modules, dir, 'README.md');
      if (isFile(file)) found.push(file);
    }
  }
  return found.sort();
}

/** Paragraphs that read as prose: no headings, tables, HTML, badges or code. */
function proseParagraphs(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return withoutCode
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s*\n\s*/g, ' ').trim())
    .filter((block) => block.length >= 120 && block.length <= 1_500)
    .filter((block) => /^[A-Z]/.test(block) && !/[<|]|!\[|\]\(http/.test(block.slice(0, 200)))
    .filter((block) => (block.match(/[a-z]{3,} /g) ?? []).length >= 12);
}

/** Runs of 6 to 30 lines starting at a line that opens a declaration. */
function codeSnippets(source: string): string[] {
  const lines = source.split('\n');
  const snippets: string[] = [];
  const opener = /^\s*(export |async |function |class |const |let |public |private |static |interface |type |[A-Za-z_$][\w$]*\s*\()/;
  for (let i = 0; i < lines.length && snippets.length < 60; i++) {
    const line = lines[i] as string;
    if (!opener.test(line) || line.length > 160) continue;
    const length = 6 + ((i * 7) % 25);
    const chunk = lines.slice(i, i + length);
    if (chunk.some((candidate) => candidate.length > 200)) continue;
    const code = chunk.join('\n').trimEnd();
    if (code.length < 150) continue;
    snippets.push(code);
    i += length;
  }
  return snippets;
}

function listFiles(dir: string, extension: string, depth: number): string[] {
  const found: string[] = [];
  for (const name of safeList(dir).sort()) {
    const file = path.join(dir, name);
    if (name.endsWith(extension) && !name.endsWith('.min.js') && isFile(file)) found.push(file);
    else if (depth > 0 && !name.startsWith('.') && isDirectory(file)) found.push(...listFiles(file, extension, depth - 1));
  }
  return found;
}

function firstSentence(paragraph: string): string {
  const end = paragraph.search(/[.!?](\s|$)/);
  return end > 20 ? paragraph.slice(0, end + 1) : paragraph.slice(0, 160);
}

function truncateBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= bytes) return text;
  // Cutting inside a multi-byte character leaves a replacement char; step back to a character start.
  let end = bytes;
  while (end > 0 && ((buffer[end] as number) & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString('utf8');
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
