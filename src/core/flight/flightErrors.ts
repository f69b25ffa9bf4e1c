import { CacheError } from '../errors';

/** Redis did not take or answer a lock command; the caller falls back to computing in this process. */
export class FlightLockUnavailableError extends CacheError {
  readonly code = 'E_FLIGHT_LOCK_UNAVAILABLE';
}
