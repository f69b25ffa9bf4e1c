export type {
  CacheConfig,
  LayerConfig,
  PrewarmWorkflow,
  PriceOverride,
  ProviderCacheMode,
  RedisMode,
  WriteMode,
} from './config/cacheConfig';
export {
  CONFIG_KEYS,
  CONFIG_KEY_LIST,
  SETTINGS_SECTION,
  TRUST_RESTRICTED_SETTINGS,
  settingId,
} from './config/configKeys';
export { DEFAULT_MODEL } from './models';
export {
  ENVIRONMENT_SETTINGS,
  configFromEnvironment,
  layeredReader,
  objectReader,
  settingsFileReader,
} from './config/readers';
export { DEFAULT_CONFIG, resolveConfig, type ConfigProblem, type ConfigReader } from './config/resolveConfig';
export type {
  AnySettingSpec,
  BooleanSetting,
  ConfigKey,
  ConfigKeys,
  ConfigValue,
  NumberSetting,
  StringSetting,
  StructuredSetting,
} from './config/settingSpec';
export { defaultStorageDir } from './config/storageDir';
export { parseRedisNodeAddress, parseRedisNodes, type RedisNodeAddress } from './config/redisNodes';
