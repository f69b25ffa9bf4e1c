import { CONFIG_KEYS, CONFIG_KEY_LIST, settingId, type AnySettingSpec, type ConfigKey } from '../../core/config';
import { REDIS_NODE_PATTERN } from '../../core/config/redisNodes';

/** One `contributes.configuration.properties` entry, as VS Code reads it. */
export interface SettingSchema {
  type: string;
  default: unknown;
  markdownDescription: string;
  order: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  pattern?: string;
  patternErrorMessage?: string;
  items?: unknown;
  additionalProperties?: unknown;
  editPresentation?: 'multilineText' | 'singlelineText';
}

/** Where the extension's meaning of a setting differs from the CLI's, its own words. */
const EXTENSION_DESCRIPTIONS: Partial<Record<ConfigKey, string>> = {
  storageDir:
    "Folder for on-disk cache state (the embedded SurrealDB and the cost ledger); empty uses the extension's own " +
    'storage folder. An embedded SurrealDB belongs to one process at a time: a second VS Code window on the same ' +
    'folder caches without it.',
  apiBaseUrl:
    "Base URL of the Anthropic API (a proxy or gateway); empty uses the SDK's default. The API key is sent there: " +
    'in an untrusted workspace only your user setting is used.',
};

const PRICE_SCHEMA = {
  type: 'object',
  properties: Object.fromEntries(
    ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'].map((field) => [field, { type: 'number', minimum: 0 }]),
  ),
  additionalProperties: false,
};

const PREWARM_ITEM_SCHEMA = {
  type: 'object',
  required: ['workflow'],
  properties: {
    workflow: { type: 'string', description: 'Workflow name, e.g. review-file or frontend:lint.' },
    args: { type: 'array', items: { type: 'string' }, description: 'Words passed as $ARGUMENTS.' },
    inputs: { type: 'object', additionalProperties: { type: 'string' }, description: '${input:name} values.' },
    file: { type: 'string', description: 'File the workflow reads, relative to the workspace folder.' },
  },
  additionalProperties: false,
};

/** Array settings other than the prewarm list, by the schema of their items. */
const ITEM_SCHEMAS: Partial<Record<ConfigKey, unknown>> = {
  'redis.nodes': { type: 'string', pattern: REDIS_NODE_PATTERN, patternErrorMessage: 'Write host:port, e.g. 10.0.0.5:7000.' },
};

/** The `contributes.configuration.properties` object, generated from CONFIG_KEYS so the two cannot drift. */
export function configurationProperties(): Record<string, SettingSchema> {
  const properties: Record<string, SettingSchema> = {};
  CONFIG_KEY_LIST.forEach((key, order) => {
    properties[settingId(key)] = settingSchema(key, CONFIG_KEYS[key] as AnySettingSpec, order);
  });
  return properties;
}

function settingSchema(key: ConfigKey, spec: AnySettingSpec, order: number): SettingSchema {
  const schema: SettingSchema = {
    type: spec.type,
    default: spec.default,
    markdownDescription: EXTENSION_DESCRIPTIONS[key] ?? describe(spec),
    order,
  };
  switch (spec.type) {
    case 'integer':
    case 'number':
      schema.minimum = spec.minimum;
      schema.maximum = spec.maximum;
      break;
    case 'string':
      if (spec.enum) schema.enum = spec.enum;
      if (spec.enumDescriptions) schema.enumDescriptions = spec.enumDescriptions;
      if (spec.pattern) schema.pattern = spec.pattern;
      if (spec.patternErrorMessage) schema.patternErrorMessage = sentence(spec.patternErrorMessage);
      break;
    case 'object':
      schema.additionalProperties = PRICE_SCHEMA;
      break;
    case 'array':
      schema.items = ITEM_SCHEMAS[key] ?? PREWARM_ITEM_SCHEMA;
      break;
    default:
      break;
  }
  return schema;
}

function describe(spec: AnySettingSpec): string {
  let text = spec.description;
  if (spec.type === 'integer' || spec.type === 'number') text += ` Between ${spec.minimum} and ${spec.maximum}.`;
  return text;
}

/** CONFIG_KEYS phrases refusals to follow "is <value>, "; the settings editor shows them on their own. */
function sentence(reason: string): string {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return text.endsWith('.') ? text : `${text}.`;
}
