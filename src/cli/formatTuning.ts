import { LAYERS } from '../core/layers';
import { formatMs, type TuningStats } from '../core/tuning';
import { formatDollars } from '../core/format/money';

/** The self-tuning lines of `claude-cache stats`: effective TTLs, the latest change, the provider-cache choice. */
export function formatTuning(tuning: TuningStats): string {
  const ttls = LAYERS.map((layer) => `${layer} ${formatMs(tuning.ttlTuning.ttlSeconds[layer] * 1000)}`).join(', ');
  const lines = [`TTLs (${tuning.ttlTuning.enabled ? 'tuned' : 'as configured; tuning off'}): ${ttls}`];
  const latest = tuning.ttlTuning.changes.at(-1);
  if (latest) lines.push(`last TTL change: ${latest.layer} ${formatMs(latest.fromMs)} -> ${formatMs(latest.toMs)}, ${latest.reason}`);
  const { mode, decisions } = tuning.providerCache;
  if (mode !== 'auto') lines.push(`provider cache: ${mode}`);
  else if (decisions.length === 0) lines.push('provider cache: auto (off until a workflow\'s calls show caching would pay)');
  else {
    const chosen = decisions.map((decision) =>
      decision.ttl === 'off' ? `${decision.workflow} off` : `${decision.workflow} ${decision.ttl} (saves ${formatDollars(decision.savingVsOffUsd)})`,
    );
    lines.push(`provider cache: auto; ${chosen.join(', ')}`);
  }
  lines.push(`usage log: ${tuning.usageLog === 'surreal' ? 'SurrealDB' : 'memory (SurrealDB is off)'}`);
  return lines.join('\n');
}
