export * from './workflow';
export * from './errors';
export { BUILTIN_MODULES, BUILTIN_WORKFLOWS } from './builtins';
export {
  CLAUDE_COMMANDS_DIR,
  CLAUDE_SKILLS_DIR,
  GITHUB_PROMPTS_DIR,
  defaultUserClaudeDir,
  discoverWorkflows,
  findWorkflow,
  type DiscoveredWorkflows,
  type DiscoverOptions,
} from './discover';
export { MAX_WORKFLOW_FILE_BYTES, parseWorkflowFile, type ParsedWorkflowFile, type WorkflowFile } from './workflowFile';
export {
  assertInputsGiven,
  bindParams,
  fileBlock,
  fileReferencesOf,
  fillContext,
  normalizeParams,
  renderModule,
  renderWorkflow,
  shellCommandsOf,
  syntaxOf,
  templateSyntax,
  type BoundPrompt,
  type BoundSegment,
  type RenderContext,
} from './render';
export { renderContextFromSnapshot } from './snapshotRenderContext';
export {
  CONTEXT_VARIABLES,
  describeTemplate,
  scanTemplate,
  type ContextVariable,
  type TemplateSyntax,
  type TemplateToken,
  type TemplateUsage,
} from './template';
export { describeToolUse, type ToolRequest } from './toolsNote';
