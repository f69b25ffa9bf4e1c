import path from 'node:path';
import { discoverWorkflows, type DiscoveredWorkflows } from '../../core/workflows';

/**
 * discoverWorkflows, memoized per workspace folder. File watchers call `forget` when a workflow file changes;
 * until then every run reuses one discovery instead of walking `.claude/commands` again. Concurrent callers
 * share one discovery; a failed one is dropped so the next call retries.
 */
export class WorkflowCatalog {
  private readonly discoveries = new Map<string, Promise<DiscoveredWorkflows>>();

  constructor(
    private readonly discover: (workspace: string) => Promise<DiscoveredWorkflows> = discoverWorkflows,
    private readonly onDiscovered?: (workspace: string, found: DiscoveredWorkflows) => void,
  ) {}

  /** The workflows of a folder, from memory after the first call. */
  workflows(workspace: string): Promise<DiscoveredWorkflows> {
    const key = path.resolve(workspace);
    let discovery = this.discoveries.get(key);
    if (!discovery) {
      discovery = this.discover(key);
      this.discoveries.set(key, discovery);
      discovery.then(
        (found) => this.onDiscovered?.(key, found),
        () => {
          if (this.discoveries.get(key) === discovery) this.discoveries.delete(key);
        },
      );
    }
    return discovery;
  }

  /** Drops one folder's discovery (a workflow file in it changed), or all of them. */
  forget(workspace?: string): void {
    if (workspace === undefined) this.discoveries.clear();
    else this.discoveries.delete(path.resolve(workspace));
  }
}
