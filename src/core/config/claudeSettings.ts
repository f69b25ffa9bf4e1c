import { DEFAULT_MODEL } from '../models';
import type { ConfigKeys } from './settingSpec';
import { urlProblem } from './settingChecks';
import { HOUR } from './settingUnits';

/** How the Claude API is called: model, token cap, endpoint, timeout and provider-side prompt caching. */
export const CLAUDE_SETTINGS: Pick<ConfigKeys, 'model' | 'maxTokens' | 'apiBaseUrl' | 'requestTimeoutSeconds' | 'providerCache'> = {
  model: {
    type: 'string',
    default: DEFAULT_MODEL,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$',
    patternErrorMessage: 'not a model id',
    description:
      'Claude model for workflow runs: an id (claude-sonnet-5-5) or an alias (opus, sonnet, haiku, fable: the current model of that family). A workflow file\'s own `model:` line wins.',
  },
  maxTokens: {
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 128000,
    description:
      "Most tokens Claude may use in one call, thinking included; 0 uses the model's own default, which leaves room for thinking plus the answer (you pay for the tokens used, not for this cap).",
  },
  apiBaseUrl: {
    // The API key is sent here.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^(https?://.+)?$',
    patternErrorMessage: 'not an http:// or https:// URL',
    emptyMeans: "the SDK's default",
    check: urlProblem(['http:', 'https:']),
    description: "Base URL of the Anthropic API (a proxy or gateway); empty uses the SDK's default.",
  },
  requestTimeoutSeconds: {
    type: 'integer',
    default: 120,
    minimum: 1,
    maximum: HOUR,
    description: 'How long one Claude request may take before it is abandoned, in seconds.',
  },
  providerCache: {
    type: 'string',
    default: 'auto',
    enum: ['off', '5m', '1h', 'auto'],
    enumDescriptions: [
      'Do not ask the API to cache the prompt prefix.',
      'Cache the stable prefix for 5 minutes (writes cost 1.25x input).',
      'Cache the stable prefix for 1 hour (writes cost 2x input).',
      "Per workflow and model, pick no caching, 5 minutes or 1 hour, whichever would have cost least over the calls seen: a prefix only pays when the same content is sent again before it expires. Starts with no caching until a few calls were seen.",
    ],
    description:
      "Provider-side prompt caching of each workflow's stable prompt prefix. Cache writes cost more than plain input and only reads recover it; `auto` (the default) caches only where the observed calls show it pays.",
  },
};
