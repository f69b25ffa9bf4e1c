import Anthropic from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
  RefusalStopDetails,
  ThinkingConfigParam,
} from '@anthropic-ai/sdk/resources/messages';
import { toClaudeError, type AbortReason, type MappingContext } from './errorMapping';
import { ClaudeAuthenticationError, ClaudeCancelledError, ClaudeNetworkError, ClaudeRequestError } from './errors';
import { layoutPrompt } from './promptLayout';
import { mergeApiUsage, ZERO_USAGE, type ProviderCacheTtl, type Usage } from './usage';

export interface ClaudeClientOptions {
  apiKey: string;
  /** Defaults to the SDK's own choice: ANTHROPIC_BASE_URL, else the public API. */
  baseURL?: string;
  /**
   * One deadline for the answer to start, SDK retries included, and the longest silence between two events once
   * it streams. Default 120 000.
   */
  timeoutMs?: number;
  /** Retries the SDK makes on 408/409/429/5xx and connection failures, within the deadline. Default 2. */
  maxRetries?: number;
}

/**
 * What one Claude call needs. There is no temperature, top_p or top_k, because API version 2026-10-21 (sent by SDK 1.x)
 * refuses them with a 400 "Extra inputs are not permitted", even at their defaults
 * (https://platform.claude.com/docs/en/api/versioning and the 2026-10-21 migration guide, read 2026-12-06).
 */
export interface ClaudeRequest {
  model: string;
  /** What chose the model (a setting, a workflow file), named in the error when the API does not know it. */
  modelSource?: string;
  system?: string;
  /** Stable, cacheable prefix parts, in order; they go before the prompt and carry the cache breakpoints. */
  contextBlocks?: string[];
  /**
   * How many leading context blocks are worth a provider-cache breakpoint (they will be sent again); later blocks
   * (a selection used once) get none. Default: all of them.
   */
  cacheableBlocks?: number;
  /** The varying part of the request; goes last and is never marked for caching. */
  prompt: string;
  /** Caps thinking plus answer tokens (the API bills what is used, not the cap). */
  maxTokens: number;
  providerCache: ProviderCacheTtl;
  /** Thinking as the model should do it; absent leaves the model's default (the 5.x models think adaptively). */
  thinking?: ThinkingConfigParam;
}

export interface ClaudeResponse {
  /** The answer text: text blocks only, never thinking. */
  text: string;
  model: string;
  stopReason: string | null;
  /** Present on a refusal: the category and explanation the API gave. */
  stopDetails?: RefusalStopDetails | null;
  /** Billed usage; output tokens include thinking tokens. */
  usage: Usage;
  /** Characters of thinking the model streamed (summarized thinking); never part of `text`. */
  thinkingChars?: number;
}

export interface CompleteOptions {
  /** Receives the answer text as it arrives, chunk by chunk (thinking is not passed on). */
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
    if (request.prompt.trim() === '') {
      // The API refuses an empty text block with a 400; say so before paying for a round trip.
      throw new ClaudeRequestError(undefined, 'the prompt is empty after its arguments were filled in');
    }
    if (signal?.aborted) throw new ClaudeCancelledError({ cause: signal.reason });

    const layout = layoutPrompt(request);
    // A typed literal of the SDK's own type: a field the API version removed is a compile error here, not a 400.
    const params: MessageCreateParamsStreaming = {
      model: request.model,
      max_tokens: request.maxTokens,
      messages: layout.messages,
      stream: true,
    };
    if (layout.system) params.system = layout.system;
    if (request.thinking) params.thinking = request.thinking;

    // One controller for the caller's cancel, the deadline and the idle watchdog, so we know which one fired.
    const controller = new AbortController();
    let abortReason: AbortReason | undefined;
    const abort = (reason: AbortReason): void => {
      abortReason ??= reason;
      controller.abort();
    };
    const onCallerAbort = (): void => abort('cancelled');
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    // The SDK's timeout is per attempt, and it retries: without one overall deadline a server that never answers
    // would hold the run (retries + 1) times the timeout while the message quoted one.
    const deadline = setTimeout(() => abort('deadline'), this.timeoutMs);
    let idleTimer: NodeJS.Timeout | undefined;
    // Once the stream has started, a stall between events needs its own watchdog.
    const armIdleTimer = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => abort('idle-timeout'), this.timeoutMs);
    };

    const answer = new AnswerAccumulator(request.model, request.providerCache);
    let callerFailure: { error: unknown } | undefined;
    try {
      const stream = await this.sdk.messages.create(params, { signal: controller.signal });
      clearTimeout(deadline);
      armIdleTimer();
      for await (const event of stream) {
        if (abortReason) break;
        armIdleTimer();
        const chunk = answer.apply(event);
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
      if (abortReason) throw toClaudeError(new Error(abortReason), this.mappingContext(abortReason, request));
      if (!answer.complete) {
        throw new ClaudeNetworkError('The connection to the Anthropic API closed before the answer was complete.');
      }
      return answer.response();
    } catch (error) {
      if (callerFailure) throw callerFailure.error;
      throw toClaudeError(error, this.mappingContext(abortReason, request));
    } finally {
      clearTimeout(deadline);
      clearTimeout(idleTimer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private mappingContext(abortReason: AbortReason | undefined, request: ClaudeRequest): MappingContext {
    return {
      timeoutMs: this.timeoutMs,
      apiKey: this.apiKey,
      model: request.model,
      ...(request.modelSource ? { modelSource: request.modelSource } : {}),
      ...(abortReason ? { abortReason } : {}),
    };
  }
}

/**
 * Folds stream events into one answer. Only `text` blocks make the answer; `thinking` blocks (thinking_delta,
 * signature_delta) are counted and dropped, as the streaming docs describe them
 * (https://platform.claude.com/docs/en/build-with-claude/streaming, read 2026-12-06).
 */
class AnswerAccumulator {
  private text = '';
  private model: string;
  private stopReason: string | null = null;
  private stopDetails: RefusalStopDetails | null = null;
  private usage: Usage = { ...ZERO_USAGE };
  private thinkingChars = 0;
  complete = false;

  constructor(
    model: string,
    private readonly ttl: ProviderCacheTtl,
  ) {
    this.model = model;
  }

  /** Applies one event; returns the answer text it adds, if any. */
  apply(event: RawMessageStreamEvent): string | undefined {
    switch (event.type) {
      case 'message_start':
        this.model = event.message.model;
        this.usage = mergeApiUsage(this.usage, event.message.usage, this.ttl);
        return undefined;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') {
          this.text += event.delta.text;
          return event.delta.text;
        }
        if (event.delta.type === 'thinking_delta') this.thinkingChars += event.delta.thinking.length;
        return undefined;
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        this.stopDetails = event.delta.stop_details ?? this.stopDetails;
        this.usage = mergeApiUsage(this.usage, event.usage, this.ttl);
        return undefined;
      case 'message_stop':
        this.complete = true;
        return undefined;
      default:
        return undefined;
    }
  }

  response(): ClaudeResponse {
    return {
      text: this.text,
      model: this.model,
      stopReason: this.stopReason,
      ...(this.stopDetails ? { stopDetails: this.stopDetails } : {}),
      usage: this.usage,
      thinkingChars: this.thinkingChars,
    };
  }
}
