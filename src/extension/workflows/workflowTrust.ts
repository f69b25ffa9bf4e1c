import type { DiscoveredWorkflows } from '../../core/workflows';

/** VS Code's own command that opens the Workspace Trust editor. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';
/** The label of the action offered next to the refusal. */
export const MANAGE_TRUST_ACTION = 'Manage Workspace Trust';

/** Why Run Workflow / Prewarm did nothing, shown once per attempt. */
export function untrustedWorkflowMessage(what: 'run' | 'prewarm'): string {
  const doing = what === 'run' ? 'run workflows' : 'prewarm';
  return (
    `Claude Cache: this workspace is not trusted, so its workflow files are not read and it cannot ${doing}. ` +
    'Trust the workspace to enable workflows.'
  );
}

/**
 * A workflow file is a prompt template that sends workspace files to the API, so a folder the user has not
 * trusted must not supply one; built-ins are held back too, so nothing runs until trust is granted.
 */
export function trustGatedDiscovery(
  isTrusted: () => boolean,
  discover: (workspace: string) => Promise<DiscoveredWorkflows>,
): (workspace: string) => Promise<DiscoveredWorkflows> {
  return async (workspace) => (isTrusted() ? discover(workspace) : { workflows: [], problems: [] });
}
