export type { EngineObserver, TierRead, UpstreamCall } from './engineObserver';
export { ObserverSet } from './observerSet';
export { ObservedStore } from './observedStore';
