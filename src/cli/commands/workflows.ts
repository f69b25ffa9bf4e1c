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
          ...(workflow.filePath ? { file: workflow.filePath } : {}),
          ...(workflow.argumentHint ? { argumentHint: workflow.argumentHint } : {}),
          reads: workflow.reads,
          inputs: workflow.inputs,
          modules: workflow.modules.map((module) => module.name),
        })),
        problems,
      });
      return 0;
    }
    context.print(
      table([
        ['name', 'source', 'description'],
        ...workflows.map((workflow) => [workflow.name, workflow.source, workflow.description]),
      ]),
    );
    for (const problem of problems) {
      context.io.stderr(`${problem.severity}: ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`);
    }
    return 0;
  },
};
