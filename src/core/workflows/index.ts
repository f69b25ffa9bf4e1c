export * from './workflow';
export * from './errors';
export { BUILTIN_MODULES, BUILTIN_WORKFLOWS } from './builtins';
export { CLAUDE_COMMANDS_DIR, GITHUB_PROMPTS_DIR, discoverWorkflows, findWorkflow, type DiscoveredWorkflows } from './discover';
export { MAX_WORKFLOW_FILE_BYTES, parseWorkflowFile, type ParsedWorkflowFile, type WorkflowFile } from './workflowFile';
export {
  bindParams,
  fileBlock,
  fillContext,
  normalizeParams,
  renderModule,
  renderWorkflow,
  templateSyntax,
  type BoundPrompt,
  type BoundSegment,
  type RenderContext,
} from './render';
export { renderContextFromSnapshot } from './snapshotRenderContext';
export { CONTEXT_VARIABLES, describeTemplate, scanTemplate, type ContextVariable, type TemplateUsage } from './template';
