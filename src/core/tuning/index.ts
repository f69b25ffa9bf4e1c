export { ProviderCacheChoice, type ProviderCacheChoiceOptions, type ProviderCacheDecision } from './providerCacheChoice';
export { formatMs, TtlTuner, type TtlBounds, type TtlChange, type TtlTunerOptions } from './ttlTuner';
export { SelfTuning, type SelfTuningOptions, type TuningStats } from './selfTuning';
