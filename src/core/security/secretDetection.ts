import { SECRET_PATTERNS, type SecretKind, type SecretPattern } from './secretPatterns';

/** Where one likely secret sits in a text: [start, end) in UTF-16 code units. */
export interface SecretFinding {
  kind: SecretKind;
  start: number;
  end: number;
}

/** Every likely secret in `text`, in order, overlaps merged (the first pattern's kind wins). */
export function findSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  for (const pattern of SECRET_PATTERNS) {
    for (const finding of findingsOf(pattern, text)) found.push(finding);
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretFinding[] = [];
  for (const finding of found) {
    const last = merged[merged.length - 1];
    if (last && finding.start < last.end) last.end = Math.max(last.end, finding.end);
    else merged.push({ ...finding });
  }
  return merged;
}

/** One pattern's findings in `text`, lazily, so a caller that needs only the first stops scanning there. */
function* findingsOf(pattern: SecretPattern, text: string): Generator<SecretFinding> {
  // matchAll scans a copy of the regex that starts at the original's lastIndex: reset it in case someone ran it.
  pattern.regex.lastIndex = 0;
  for (const match of text.matchAll(pattern.regex)) {
    const whole = match[0];
    const index = match.index ?? 0;
    const part = pattern.group === undefined ? whole : match[pattern.group];
    if (part === undefined || part === '') continue;
    const start = index + (pattern.group === undefined ? 0 : whole.lastIndexOf(part));
    yield { kind: pattern.kind, start, end: start + part.length };
  }
}

/**
 * A name that says its value is a credential (`password`, `dbPassword`, `API_TOKEN`, `stripe-secret`): the value
 * of a named input so called is a secret whatever it looks like, since `--arg password=hunter` carries no label
 * in the value itself.
 */
const SECRET_NAME = /(?:pass(?:word|wd|phrase)|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)$/i;

/** True when `name` (an input's, a field's) says its value is a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when `text` holds anything that looks like a secret. */
export function containsSecret(text: string): boolean {
  // The first finding answers: no need to collect, sort and merge every one of a long text's findings.
  for (const pattern of SECRET_PATTERNS) {
    for (const _finding of findingsOf(pattern, text)) return true;
  }
  return false;
}

/** `text` with each likely secret replaced by `[REDACTED:<kind>]`. */
export function redactSecrets(text: string): string {
  const findings = findSecrets(text);
  if (findings.length === 0) return text;
  let out = '';
  let at = 0;
  for (const finding of findings) {
    out += `${text.slice(at, finding.start)}[REDACTED:${finding.kind}]`;
    at = finding.end;
  }
  return out + text.slice(at);
}

/**
 * True when any string inside `value` (a prompt, a snapshot, an answer: plain data of any depth) holds a likely
 * secret. Bounded by `maxNodes` so a pathological value cannot stall a run; past it the answer is "yes", the
 * safe side.
 */
export function valueContainsSecret(value: unknown, maxNodes = 100_000): boolean {
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length > 0) {
    if (++visited > maxNodes) return true;
    const node = stack.pop();
    if (typeof node === 'string') {
      if (containsSecret(node)) return true;
    } else if (Array.isArray(node)) {
      // Pushed one by one: spreading a long array into push() passes each element as an argument, and past
      // about a hundred thousand of them that overflows the call stack instead of answering.
      if (!pushWithin(stack, node, maxNodes - visited)) return true;
    } else if (node !== null && typeof node === 'object' && !(node instanceof Uint8Array)) {
      if (!pushWithin(stack, Object.values(node as Record<string, unknown>), maxNodes - visited)) return true;
    }
  }
  return false;
}

/** Pushes `items` onto `stack` unless the stack would then hold more than `room` nodes; false when it would. */
function pushWithin(stack: unknown[], items: readonly unknown[], room: number): boolean {
  if (stack.length + items.length > room) return false;
  for (const item of items) stack.push(item);
  return true;
}
