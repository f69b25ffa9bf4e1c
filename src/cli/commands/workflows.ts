import { discoverWorkflows } from '../../core/workflows';
import { table } from '../format';
import type { CliCommand } from './command';

export const workflowsCommand: CliCommand = {
  name: 'workflows',
  usage: 'claude-cache workflows [--json] [--workspace DIR]',
  summary: 'the built-in workflows and the workspace\'s workflow files, with problems found in them',
  options: {},
  async run(context) {
    const { workflows, problems } = await discoverWorkflows(context.workspace);
    if (context.json) {
      context.printJson({
        workflows: workflows.map((workflow) => ({
          name: workflow.name,
          description: workflow.description,
          source: workflow.source,
          ...(workflow.scope ? { scope: workflow.scope } : {}),
          ...(workflow.filePath ? { file: workflow.filePath } : {}),
          ...(workflow.argumentHint ? { argumentHint: workflow.argumentHint } : {}),
          ...(workflow.argumentNames ? { argumentNames: workflow.argumentNames } : {}),
          reads: workflow.reads,
          inputs: workflow.inputs,
          modules: workflow.modules.map((module) => module.name),
          shellCommands: workflow.shellCommands,
          fileReferences: workflow.fileReferences,
          allowedTools: workflow.allowedTools,
          ...(workflow.toolsNote ? { toolsNote: workflow.toolsNote } : {}),
        })),
        problems,
      });
      return 0;
    }
    context.print(
      table([
        ['name', 'source', 'description'],
        ...workflows.map((workflow) => [
          workflow.name,
          workflow.scope === 'user' ? `${workflow.source} (personal)` : workflow.source,
          workflow.toolsNote ? `${workflow.description} [runs without tools]` : workflow.description,
        ]),
      ]),
    );
    // Said once, in full, under the table: which workflows ask for tools that are not run here.
    const withTools = workflows.filter((workflow) => workflow.toolsNote);
    if (withTools.length > 0) {
      context.print(
        `\n[runs without tools]: ${withTools.map((workflow) => workflow.name).join(', ')} ask for tools or an agent; ` +
          'here each runs as a single answer without tools, so it cannot run commands, search or edit files while it answers.',
      );
    }
    for (const problem of problems) {
      context.io.stderr(`${problem.severity}: ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`);
    }
    return 0;
  },
};
