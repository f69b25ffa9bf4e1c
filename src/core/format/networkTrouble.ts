/** Where the Anthropic API was looked for, and what chose that address. */
export interface ApiEndpoint {
  readonly url: string;
  /** The setting, the environment variable, or the SDK's default. */
  readonly chosenBy: string;
}

/** The SDK's own default when neither the setting nor ANTHROPIC_BASE_URL names a server. */
export const DEFAULT_API_URL = 'https://api.anthropic.com';

/**
 * The address a Claude call went to: the `claudeCache.apiBaseUrl` setting when set, else the
 * ANTHROPIC_BASE_URL environment variable (which the SDK reads itself), else the public API.
 */
export function apiEndpoint(configuredUrl: string, env: Readonly<Record<string, string | undefined>>): ApiEndpoint {
  if (configuredUrl.trim() !== '') return { url: configuredUrl.trim(), chosenBy: 'the claudeCache.apiBaseUrl setting' };
  const fromEnv = env.ANTHROPIC_BASE_URL?.trim();
  if (fromEnv) return { url: fromEnv, chosenBy: 'the ANTHROPIC_BASE_URL environment variable' };
  return { url: DEFAULT_API_URL, chosenBy: 'the default (no claudeCache.apiBaseUrl setting, no ANTHROPIC_BASE_URL)' };
}

/** A failure to connect, said the way a person would check it. */
export type NetworkCauseKind = 'dns' | 'refused' | 'tls' | 'timeout' | 'reset' | 'other';

export interface NetworkCause {
  readonly kind: NetworkCauseKind;
  /** One phrase: "the name api.example.com did not resolve (ENOTFOUND)". */
  readonly text: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'ESOCKETTIMEDOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The deepest cause with a system error code, found by following `cause` (the SDK wraps fetch's error, which
 * wraps undici's, which wraps the socket's). Node's codes: https://nodejs.org/api/errors.html#common-system-errors.
 */
export function networkCause(error: unknown): NetworkCause | undefined {
  let found: { code: string; message: string } | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && !code.startsWith('E_')) found = { code, message: typeof message === 'string' ? message : '' };
    current = cause;
  }
  if (!found) return undefined;
  const { code, message } = found;
  if (DNS.has(code)) return { kind: 'dns', text: `the host name did not resolve (DNS, ${code})` };
  if (REFUSED.has(code)) return { kind: 'refused', text: `the connection was refused (${code}): nothing listens there` };
  if (TIMEOUT.has(code)) return { kind: 'timeout', text: `the connection timed out (${code})` };
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /CERT|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return { kind: 'tls', text: `the TLS handshake failed (${code}${message ? `: ${message}` : ''})` };
  }
  if (RESET.has(code)) return { kind: 'reset', text: `the connection broke (${code})` };
  return { kind: 'other', text: message ? `${message} (${code})` : code };
}

/** "Could not reach the Anthropic API at URL (chosen by …): cause." */
export function describeUnreachable(endpoint: ApiEndpoint, error: unknown): string {
  const cause = networkCause(error);
  return (
    `Could not reach the Anthropic API at ${endpoint.url} (chosen by ${endpoint.chosenBy})` +
    `${cause ? `: ${cause.text}` : ''}. Check the address and the network, then try again.`
  );
}
