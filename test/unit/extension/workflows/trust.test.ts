import assert from 'node:assert/strict';
import { BUILTIN_WORKFLOWS, type DiscoveredWorkflows } from '../../../../src/core/workflows';
import { WorkflowCatalog } from '../../../../src/extension/workflows/workflowCatalog';
import {
  MANAGE_TRUST_ACTION,
  MANAGE_TRUST_COMMAND,
  trustGatedDiscovery,
  untrustedWorkflowMessage,
} from '../../../../src/extension/workflows/workflowTrust';

function countingDiscovery(): { discover: (workspace: string) => Promise<DiscoveredWorkflows>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    discover: async (workspace) => {
      calls.push(workspace);
      return { workflows: [...BUILTIN_WORKFLOWS], problems: [] };
    },
  };
}

describe('Workspace trust for workflows', () => {
  it('reads no workflow file and offers no workflow in an untrusted workspace', async () => {
    const { discover, calls } = countingDiscovery();
    const gated = trustGatedDiscovery(() => false, discover);
    const found = await gated('/ws');
    assert.deepEqual(found, { workflows: [], problems: [] });
    assert.deepEqual(calls, []);
  });

  it('discovers workflows as usual in a trusted workspace', async () => {
    const { discover, calls } = countingDiscovery();
    const found = await trustGatedDiscovery(() => true, discover)('/ws');
    assert.equal(found.workflows.length, BUILTIN_WORKFLOWS.length);
    assert.deepEqual(calls, ['/ws']);
  });

  it('finds the workflows once the catalog is refreshed after trust is granted', async () => {
    let trusted = false;
    const { discover, calls } = countingDiscovery();
    const catalog = new WorkflowCatalog(trustGatedDiscovery(() => trusted, discover));
    assert.equal((await catalog.workflows('/ws')).workflows.length, 0);
    trusted = true;
    catalog.forget();
    assert.equal((await catalog.workflows('/ws')).workflows.length, BUILTIN_WORKFLOWS.length);
    assert.equal(calls.length, 1);
  });

  it('explains the refusal and points at VS Code’s trust editor', () => {
    assert.match(untrustedWorkflowMessage('run'), /not trusted.*cannot run workflows/);
    assert.match(untrustedWorkflowMessage('prewarm'), /not trusted.*cannot prewarm/);
    assert.equal(MANAGE_TRUST_COMMAND, 'workbench.trust.manage');
    assert.equal(MANAGE_TRUST_ACTION, 'Manage Workspace Trust');
  });
});
