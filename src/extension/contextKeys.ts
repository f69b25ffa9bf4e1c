/** Context keys the package.json when-clauses read (welcome content, menus). */
export const ContextKey = {
  /** starting | ready | failed | closed */
  EngineState: 'claudeCache.state',
  /** Whether an API key is set (stored secret or ANTHROPIC_API_KEY). */
  HasApiKey: 'claudeCache.hasApiKey',
  /** A run in this window was answered from the cache (completes the walkthrough's "see the hit" step). */
  ServedFromCache: 'claudeCache.servedFromCache',
} as const;
