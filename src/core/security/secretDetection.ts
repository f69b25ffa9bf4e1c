import { SECRET_PATTERNS, type SecretKind } from './secretPatterns';

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
    pattern.regex.lastIndex = 0;
    for (const match of text.matchAll(pattern.regex)) {
      const whole = match[0];
      const index = match.index ?? 0;
      const part = pattern.group === undefined ? whole : match[pattern.group];
      if (part === undefined || part === '') continue;
      const start = index + (pattern.group === undefined ? 0 : whole.lastIndexOf(part));
      found.push({ kind: pattern.kind, start, end: start + part.length });
    }
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

/** True when `text` holds anything that looks like a secret. */
export function containsSecret(text: string): boolean {
  return findSecrets(text).length > 0;
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
      stack.push(...node);
    } else if (node !== null && typeof node === 'object' && !(node instanceof Uint8Array)) {
      stack.push(...Object.values(node as Record<string, unknown>));
    }
  }
  return false;
}
