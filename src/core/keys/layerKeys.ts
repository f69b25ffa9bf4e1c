import { resolve } from 'node:path';
import type { Layer } from '../layers';
import { sha256Hex } from './hash';
import { assertSafeKey } from './pattern';
import { slugForKey } from './slug';
import { stableStringify } from './stableStringify';

/**
 * The key-format version every key carries as its middle segment. Bump it when what a hash covers changes:
 * old entries then simply stop matching (and can be dropped with a pattern such as `*:k1:*`). k2: temperature
 * left the result and module hashes (API 2026-10-21 refuses it), and k1 entries may hold answers cut off at
 * max_tokens, which k2 never caches.
 */
export const KEY_FORMAT_VERSION = 'k2';

/** What a result-layer answer depends on; any change to any field must miss. */
export interface ResultInput {
  model: string;
  /** The rendered system prompt; undefined and '' both mean none. */
  system?: string;
  /** The rendered user prompt. */
  prompt: string;
  /** Hash of the context snapshot the prompt was built from. */
  contextHash: string;
  maxTokens: number;
  /** The workflow definition's own version, so editing a workflow retires its old answers. */
  workflowVersion: string | number;
}

/** L1: the rendered prompt template for a command and its parameters (property order does not matter). */
export function promptKey(command: string, normalizedParams: unknown): string {
  return layerKey('prompt', command, stableStringify(normalizedParams));
}

/** L2: one sub-prompt's response, valid while the module's definition and the context it saw are unchanged. */
export function moduleKey(moduleName: string, moduleVersion: string | number, contextHash: string): string {
  return layerKey('module', moduleName, String(moduleVersion), contextHash);
}

/** L3: the snapshot a command reads in one workspace; the path is hashed, never written into the key. */
export function contextKey(workspacePath: string, command: string): string {
  return layerKey('context', command, normalizeWorkspacePath(workspacePath));
}

/** L4: the final answer for a command, given resultInputHash of everything the answer depends on. */
export function resultKey(command: string, inputHash: string): string {
  return layerKey('result', command, inputHash);
}

/** Hex SHA-256 over every input that can change a result-layer answer. */
export function resultInputHash(input: ResultInput): string {
  return sha256Hex(
    'result-input',
    KEY_FORMAT_VERSION,
    input.model,
    input.system ?? '',
    input.prompt,
    input.contextHash,
    // Shortest round-trip text: equal numbers hash equal, any two different ones differ.
    JSON.stringify(input.maxTokens),
    // A number and its string form are the same version to a user editing a workflow file.
    String(input.workflowVersion),
  );
}

/** A pattern matching every key of one command or module, in every layer, of the current key format. */
export function keyPatternFor(commandOrModule: string): string {
  return `${slugForKey(commandOrModule)}:${KEY_FORMAT_VERSION}:*`;
}

/**
 * `<slug>:<version>:<hash>`. The hash covers the layer and the raw name as well as the inputs, so names that
 * fold to the same slug, and equal inputs in different layers, still get different keys.
 */
function layerKey(layer: Layer, name: string, ...inputs: string[]): string {
  const hash = sha256Hex(layer, KEY_FORMAT_VERSION, name, ...inputs);
  return assertSafeKey(`${slugForKey(name)}:${KEY_FORMAT_VERSION}:${hash}`);
}

function normalizeWorkspacePath(workspacePath: string): string {
  // resolve() drops trailing separators and `.`/`..` segments, so the same folder reached two ways shares a key.
  return resolve(workspacePath);
}
