export { sha256Hex, type HashPart } from './hash';
export {
  KEY_FORMAT_VERSION,
  contextKey,
  keyPatternFor,
  moduleKey,
  promptKey,
  resultInputHash,
  resultKey,
  type ResultInput,
} from './layerKeys';
export { EMPTY_SLUG, MAX_SLUG_LENGTH, slugForKey } from './slug';
export { stableStringify } from './stableStringify';
export { MAX_KEY_LENGTH, SAFE_KEY_CHARS, assertSafeKey, assertSafePattern, globToRegExp } from './pattern';
