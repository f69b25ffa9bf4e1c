import type { ClaudeClient, ClaudeClientOptions, ClaudeRequest, ClaudeResponse, CompleteOptions } from './claudeClient';

/**
 * The Claude client the engine hands the pipeline: the Anthropic SDK (over a megabyte of code) is loaded on the
 * first call, not when the engine opens, so a run answered from the cache never loads it.
 */
export class LazyClaudeClient {
  private client: Promise<ClaudeClient> | undefined;

  constructor(private readonly options: ClaudeClientOptions) {}

  async complete(request: ClaudeRequest, options?: CompleteOptions): Promise<ClaudeResponse> {
    this.client ??= import('./claudeClient').then(({ ClaudeClient: Client }) => new Client(this.options));
    return (await this.client).complete(request, options);
  }
}
