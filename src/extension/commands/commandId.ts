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
  /** One step per built-in workflow (menus and keybindings in src/extension/workflows/builtinCommands.ts). */
  ExplainSelection = 'claudeCache.explainSelection',
  ReviewFile = 'claudeCache.reviewFile',
  WriteTests = 'claudeCache.writeTests',
  SummarizeChanges = 'claudeCache.summarizeChanges',
  /** Copies a code block of an answer (CodeLens above the block, or a pick from the answer in view). */
  CopyCodeBlock = 'claudeCache.copyCodeBlock',
  /** Inserts a code block of an answer at the cursor of the last file editor. */
  InsertCodeBlock = 'claudeCache.insertCodeBlock',
  /** Earlier answers of the answer view in front. */
  ShowAnswerHistory = 'claudeCache.showAnswerHistory',
  /** Opens the Markdown source of the answer in view (where the code-block CodeLenses are). */
  ShowAnswerSource = 'claudeCache.showAnswerSource',
}
