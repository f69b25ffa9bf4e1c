/** Every command the extension contributes; package.json lists the same ids (checked by a unit test). */
export enum CommandId {
  RunWorkflow = 'claudeCache.runWorkflow',
  Prewarm = 'claudeCache.prewarm',
  PrewarmFromUsage = 'claudeCache.prewarmFromUsage',
  InvalidateAll = 'claudeCache.invalidateAll',
  InvalidateLayer = 'claudeCache.invalidateLayer',
  InvalidateEntry = 'claudeCache.invalidateEntry',
  /** Internal: empties one tier of one layer from the tree; hidden from the palette. */
  InvalidateTier = 'claudeCache.invalidateTier',
  InvalidatePattern = 'claudeCache.invalidatePattern',
  SetApiKey = 'claudeCache.setApiKey',
  ClearApiKey = 'claudeCache.clearApiKey',
  SetEncryptionKey = 'claudeCache.setEncryptionKey',
  SetStorePassword = 'claudeCache.setStorePassword',
  ShowDashboard = 'claudeCache.showDashboard',
  ShowLog = 'claudeCache.showLog',
  ResetStats = 'claudeCache.resetStats',
  Refresh = 'claudeCache.refresh',
  /** Internal: opens a tree entry's decoded value; hidden from the palette. */
  OpenEntry = 'claudeCache.openEntry',
  /** Internal: runs the workflow of an answer document again without its cached answer; hidden from the palette. */
  RunFresh = 'claudeCache.runFresh',
  /** Opens the last run's lookup trace as a Markdown document. */
  ExplainLastRun = 'claudeCache.explainLastRun',
  ShowArchive = 'claudeCache.showArchive',
  FindSimilar = 'claudeCache.findSimilar',
  /** Internal: a tree entry's metadata and value preview; hidden from the palette. */
  InspectEntry = 'claudeCache.inspectEntry',
}
