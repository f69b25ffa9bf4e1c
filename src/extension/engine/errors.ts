import { CacheError } from '../../core/errors';

/** The engine is not open: it failed to open (the cause says why) or the extension is shutting down. */
export class EngineUnavailableError extends CacheError {
  readonly code = 'E_ENGINE_UNAVAILABLE';
}
