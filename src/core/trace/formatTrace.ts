import type { LookupTrace, TierProbe, TraceStep } from './lookupTrace';

const TIER_NAMES = { memory: 'memory', redis: 'Redis', surreal: 'SurrealDB' } as const;

function milliseconds(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

function probe(probe: TierProbe): string {
  return `${TIER_NAMES[probe.tier]} ${probe.outcome}${probe.ms === undefined ? '' : ` (${milliseconds(probe.ms)})`}`;
}

function stepName(step: TraceStep): string {
  return step.module === undefined ? step.layer : `${step.layer}:${step.module}`;
}

function headline(trace: LookupTrace): string {
  const when = new Date(trace.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const outcome = trace.cached ? 'answered from the cache' : 'called Claude';
  return `${trace.workflow}: ${outcome} in ${milliseconds(trace.totalMs)} (run ${trace.runId}, ${when})`;
}

/** Plain text, one line per lookup: for the log (debug level) and `claude-cache run --trace`. */
export function formatTraceText(trace: LookupTrace): string {
  const lines = [`trace of ${headline(trace)}`];
  for (const step of trace.steps) {
    lines.push(
      `  ${stepName(step)}: ${step.outcome} from ${step.source} in ${milliseconds(step.ms)}; ` +
        `${step.tiers.map(probe).join(', ')}; ${step.why}`,
    );
  }
  return lines.join('\n');
}

/** A readable Markdown document: what the "Explain Last Run" command opens. */
export function formatTraceMarkdown(trace: LookupTrace): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# Last run: ${trace.workflow}`,
    '',
    `${headline(trace)}.`,
    '',
    'Each layer is read from memory, then Redis, then SurrealDB; a miss in all of them is computed (the result and module layers call Claude).',
    '',
    '| Layer | Outcome | Answered by | Tiers | Time | Why |',
    '|---|---|---|---|---:|---|',
  ];
  for (const step of trace.steps) {
    lines.push(
      `| ${cell(stepName(step))} | ${step.outcome} | ${step.source} | ${cell(step.tiers.map(probe).join(', '))} | ` +
        `${milliseconds(step.ms)} | ${cell(step.why)} |`,
    );
  }
  lines.push('', 'Keys:', '');
  for (const step of trace.steps) lines.push(`- ${stepName(step)}: \`${step.key}\``);
  return `${lines.join('\n')}\n`;
}
