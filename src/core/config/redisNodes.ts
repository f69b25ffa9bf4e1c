import type { ParseResult } from './settingSpec';

/** One Redis server to contact first: a cluster seed or a sentinel. */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Cluster seeds or sentinels are a handful of servers; a longer list is a pasted mistake. */
const MAX_REDIS_NODES = 64;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** The `host:port` (or `[ipv6]:port`) form of `redis.nodes` entries, for the settings UI's own check. */
export const REDIS_NODE_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$';

/** Parses `host:port` or `[ipv6]:port`; otherwise why not, phrased to follow "is ". */
export function parseRedisNodeAddress(text: string): RedisNodeAddress | { problem: string } {
  const value = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { problem: 'a URL; write host:port without the scheme (TLS and the user come from claudeCache.redis.url)' };
  }
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(value);
  const plain = /^([^:[\]]*):([^:]*)$/.exec(value);
  const match = bracketed ?? plain;
  if (!match) return { problem: 'not host:port (e.g. 10.0.0.5:7000 or [::1]:7000)' };
  const host = match[1]!;
  const portText = match[2]!;
  const hostOk = bracketed ? IPV6.test(host) && host.includes(':') : HOST_NAME.test(host) && host.length <= 253;
  if (!hostOk) return { problem: 'not host:port: the host is not a host name, an IPv4 or a [bracketed IPv6] address' };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65_535) {
    return { problem: 'not host:port: the port is not a number from 1 to 65535' };
  }
  return { host, port: Number(portText) };
}

/**
 * `redis.nodes`: distinct `host:port` entries, as an array (settings) or one comma-separated text
 * (CLAUDE_CACHE_REDIS_NODES, flags).
 */
export function parseRedisNodes(value: unknown): ParseResult<readonly string[]> {
  const raw = typeof value === 'string' ? value.split(',').filter((item) => item.trim() !== '') : value;
  if (!Array.isArray(raw)) return { ok: false, reason: 'not an array of "host:port" entries' };
  if (raw.length > MAX_REDIS_NODES) return { ok: false, reason: `more than ${MAX_REDIS_NODES} nodes` };
  const nodes: string[] = [];
  for (const [index, item] of raw.entries()) {
    if (typeof item !== 'string') return { ok: false, reason: `item ${index} is not a "host:port" string` };
    const parsed = parseRedisNodeAddress(item);
    // The entry is quoted only up to a bound: a garbled entry might be a pasted secret.
    const shown = JSON.stringify(item.trim().slice(0, 40));
    if ('problem' in parsed) return { ok: false, reason: `item ${index} ${shown} is ${parsed.problem}` };
    const canonical = `${parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host}:${parsed.port}`;
    if (nodes.includes(canonical)) return { ok: false, reason: `item ${index} ${shown} is listed twice` };
    nodes.push(canonical);
  }
  return { ok: true, value: Object.freeze(nodes) };
}
