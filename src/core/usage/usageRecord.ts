import type { Layer, Tier } from '../layers';
import type { RunResult } from '../pipeline';
import { isSecretName, valueContainsSecret } from '../security/secretDetection';

/** How one layer look-up of a run went: the tier that answered, or `compute` for a miss. */
export interface UsageStep {
  layer: Layer;
  key: string;
  outcome: Tier | 'compute' | 'joined';
  /** For a miss: why the cached value could not be used, when the run could tell. */
  reason?: string;
  /** The module a module-layer step belongs to. */
  module?: string;
}

/** What is needed to run the same request again: never the selection text, never a secret. */
export interface UsageRequest {
  file?: string;
  args: string[];
  inputs: Record<string, string>;
  /** The run read an editor selection, which is not kept, so it cannot be re-run unattended. */
  hadSelection: boolean;
}

/** One workflow run, compactly. Times are cache-clock milliseconds. */
export interface UsageRecord {
  at: number;
  workspace: string;
  workflow: string;
  model: string;
  request: UsageRequest;
  steps: UsageStep[];
  /** Dollars the run spent; 'unknown' for a model without a price. */
  costUsd: number | 'unknown';
  upstreamCalls: number;
  durationMs: number;
  /** Tokens of the stable prompt prefix the provider cache could hold (written or read), else the input tokens. */
  prefixTokens: number;
  /** Hash of that prefix's content (see RunResult.prefixHash); absent in records written before it existed. */
  prefixHash?: string;
  /** `prewarm` for a run prewarming made; absent for a run someone asked for. */
  origin?: 'prewarm';
}

/** The request of a run as it was asked, before it is reduced to what the log keeps. */
export interface RunRequestSummary {
  workspace: string;
  file?: string;
  args?: readonly string[];
  inputs?: Readonly<Record<string, string>>;
  selection?: string;
  origin?: 'prewarm';
}

const REDACTED = '[not kept: looked like a secret]';

/** True when part of the request was not kept (a secret): it cannot be run again as it was asked. */
export function requestWasRedacted(request: UsageRequest): boolean {
  return request.file === REDACTED || request.args.includes(REDACTED) || Object.values(request.inputs).includes(REDACTED);
}

/** Builds the log record of a finished run. */
export function usageRecordOf(request: RunRequestSummary, result: RunResult, at: number, durationMs: number): UsageRecord {
  const inputs: Record<string, string> = {};
  // An input is judged with its name: `--arg password=hunter` holds no label in the value alone.
  for (const [name, value] of Object.entries(request.inputs ?? {})) {
    inputs[name] = isSecretName(name) || valueContainsSecret(value) || valueContainsSecret(`${name}=${value}`) ? REDACTED : value;
  }
  const args = (request.args ?? []).map((arg) => (valueContainsSecret(arg) ? REDACTED : arg));
  // A path can hold a token too (`secrets/ghp_….txt`); the selection is never kept at all.
  const file = request.file !== undefined && valueContainsSecret(request.file) ? REDACTED : request.file;
  const missReason = result.missReasons.length > 0 ? result.missReasons.join('; ') : undefined;
  // The run's lookup trace says why each lookup missed (absent, expired, stale, a tier skipped).
  const traced = new Map((result.trace?.steps ?? []).map((step) => [`${step.layer}\u0000${step.key}`, step.why]));
  const steps = result.steps.map((step): UsageStep => {
    const why = step.source === 'compute' ? (traced.get(`${step.layer}\u0000${step.key}`) ?? (step.layer === 'result' ? missReason : undefined)) : undefined;
    return {
      layer: step.layer,
      key: step.key,
      outcome: step.source,
      ...(step.module ? { module: step.module } : {}),
      ...(why ? { reason: why } : {}),
    };
  });
  const usage = result.usage;
  const cachedPrefix = usage ? usage.cacheWrite5mTokens + usage.cacheWrite1hTokens + usage.cacheReadTokens : 0;
  return {
    at,
    workspace: request.workspace,
    workflow: result.workflow,
    model: result.model,
    request: {
      ...(file ? { file } : {}),
      args,
      inputs,
      hadSelection: request.selection !== undefined,
    },
    steps,
    costUsd: result.costUsd,
    upstreamCalls: result.upstreamCalls,
    durationMs,
    prefixTokens: cachedPrefix > 0 ? cachedPrefix : (usage?.inputTokens ?? 0),
    ...(result.prefixHash ? { prefixHash: result.prefixHash } : {}),
    ...(request.origin ? { origin: request.origin } : {}),
  };
}

/** The identity of a re-runnable request: same workflow, file, words and inputs. */
export function requestIdentity(record: Pick<UsageRecord, 'workflow' | 'request'>): string {
  const { file, args, inputs } = record.request;
  const sortedInputs = Object.keys(inputs)
    .sort()
    .map((name) => [name, inputs[name]]);
  return JSON.stringify([record.workflow, file ?? '', args, sortedInputs]);
}
