import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { toClaudeError } from './errorMapping';
import { ClaudeAuthenticationError, ClaudeCancelledError, ClaudeNetworkError } from './errors';
import { layoutPrompt } from './promptLayout';
import { mergeApiUsage, ZERO_USAGE, type ProviderCacheTtl, type Usage } from './usage';

export interface ClaudeClientOptions {
  apiKey: string;
  /** Defaults to the SDK's own choice: ANTHROPIC_BASE_URL, else the public API. */
  baseURL?: string;
  /** Longest wait for the response to start, and for each next event once it streams. Default 120 000. */
  timeoutMs?: number;
  /** Retries the SDK makes on 408/409/429/5xx and connection failures before the call fails. Default 2. */
  maxRetries?: number;
}

export interface ClaudeRequest {
  model: string;
  system?: string;
  /** Stable, cacheable prefix parts, in order; they go before the prompt and carry the cache breakpoints. */
  contextBlocks?: string[];
  /** The varying part of the request; goes last and is never marked for caching. */
  prompt: string;
  maxTokens: number;
  temperature?: number;
  providerCache: ProviderCacheTtl;
}

export interface ClaudeResponse {
  text: string;
  model: string;
  stopReason: string | null;
  usage: Usage;
}

export interface CompleteOptions {
  /** Receives the answer text as it arrives, chunk by chunk. */
  onText?: (chunk: string) => void;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;

/** Streams Claude answers through the official SDK, with provider prompt caching and typed errors. */
export class ClaudeClient {
  private readonly sdk: Anthropic;
  private readonly apiKey: string;
  private readonly timeoutMs: number;

  constructor(options: ClaudeClientOptions) {
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sdk = new Anthropic({
      apiKey: options.apiKey,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      timeout: this.timeoutMs,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    });
  }

  async complete(request: ClaudeRequest, options: CompleteOptions = {}): Promise<ClaudeResponse> {
    const { onText, signal } = options;
    if (this.apiKey.trim() === '') {
      throw new ClaudeAuthenticationError('No Anthropic API key is set; add your key and try again.');
    }
    if (signal?.aborted) throw new ClaudeCancelledError({ cause: signal.reason });

    const layout = layoutPrompt(request);
    const params: MessageCreateParamsStreaming = {
      model: request.model,
      max_tokens: request.maxTokens,
      messages: layout.messages,
      stream: true,
      ...(layout.system ? { system: layout.system } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };

    // One controller for both the caller's cancel and our idle timeout, so we know which one fired.
    const controller = new AbortController();
    let abortReason: 'cancelled' | 'idle-timeout' | undefined;
    const abort = (reason: 'cancelled' | 'idle-timeout'): void => {
      abortReason ??= reason;
      controller.abort();
    };
    const onCallerAbort = (): void => abort('cancelled');
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    // The SDK's timeout ends once headers arrive; a stream that stalls after that needs its own watchdog.
    const armIdleTimer = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => abort('idle-timeout'), this.timeoutMs);
    };

    const answer = { text: '', model: request.model, stopReason: null as string | null, usage: { ...ZERO_USAGE } };
    let complete = false;
    let callerFailure: { error: unknown } | undefined;
    try {
      const stream = await this.sdk.messages.create(params, { signal: controller.signal });
      armIdleTimer();
      for await (const event of stream) {
        if (abortReason) break;
        armIdleTimer();
        complete = applyEvent(answer, event, request.providerCache) || complete;
        const chunk = textOf(event);
        if (chunk && onText) {
          try {
            onText(chunk);
          } catch (error) {
            callerFailure = { error };
            controller.abort();
            break;
          }
        }
      }
      if (callerFailure) throw callerFailure.error;
      if (abortReason) throw toClaudeError(new Error(abortReason), this.mappingContext(abortReason));
      if (!complete) {
        throw new ClaudeNetworkError('The connection to the Anthropic API closed before the answer was complete.');
      }
      return answer;
    } catch (error) {
      if (callerFailure) throw callerFailure.error;
      throw toClaudeError(error, this.mappingContext(abortReason));
    } finally {
      clearTimeout(idleTimer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private mappingContext(abortReason: 'cancelled' | 'idle-timeout' | undefined) {
    return { timeoutMs: this.timeoutMs, apiKey: this.apiKey, ...(abortReason ? { abortReason } : {}) };
  }
}

/** Folds one stream event into the answer; true once the message is complete. */
function applyEvent(
  answer: { text: string; model: string; stopReason: string | null; usage: Usage },
  event: RawMessageStreamEvent,
  ttl: ProviderCacheTtl,
): boolean {
  switch (event.type) {
    case 'message_start':
      answer.model = event.message.model;
      answer.usage = mergeApiUsage(answer.usage, event.message.usage, ttl);
      return false;
    case 'content_block_delta':
      if (event.delta.type === 'text_delta') answer.text += event.delta.text;
      return false;
    case 'message_delta':
      answer.stopReason = event.delta.stop_reason ?? answer.stopReason;
      answer.usage = mergeApiUsage(answer.usage, event.usage, ttl);
      return false;
    case 'message_stop':
      return true;
    default:
      return false;
  }
}

function textOf(event: RawMessageStreamEvent): string | undefined {
  return event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : undefined;
}
