export type { FlightCommands, FlightSubscriber } from './flightCommands';
export { FlightLockUnavailableError } from './flightErrors';
export { FlightLock, type FlightLease, type FlightLockOptions } from './flightLock';
export { FlightSignals, type FlightListening } from './flightSignals';
export { flightLockKey, SharedFlight, type SharedFlightOptions, type SharedOutcome, type SharedWork } from './sharedFlight';
export { DEFAULT_LOCK_TTL_MS, openRedisFlight, type FlightConnection, type RedisFlightOptions, type SubscriberConnection } from './redisFlight';
