import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { LAYERS, TIERS } from '../../core/layers';
import type { EntryInfo } from '../../core/stores/store';
import { CommandId } from '../commands/commandId';
import type { CacheSnapshots } from '../engine/cacheSnapshots';
import type { EngineHost } from '../engine/engineHost';
import { Disposable, toDisposable } from '../lifecycle';
import { alertChildren } from './alertTreeNodes';
import type { EntryLabels } from './entryLabels';
import { ENTRIES_PER_TIER, TierTreeModel, type LayerTierCounts, type TierTreeNode } from './tierTreeModel';

/**
 * Renders the tier tree: layers, then each layer's tiers, then each tier's newest entries. It repaints on each
 * cache snapshot, taken on the host's throttled change signal (engine events), never on a timer.
 */
export class TierTreeProvider extends Disposable implements vscode.TreeDataProvider<TierTreeNode> {
  readonly model: TierTreeModel;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<TierTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly host: EngineHost,
    snapshots: CacheSnapshots,
    private readonly logger: Logger,
    labels?: EntryLabels,
  ) {
    super();
    this.model = new TierTreeModel(labels);
    this.model.update(snapshots.latest);
    this._register(
      toDisposable(
        snapshots.events.on('snapshot', (snapshot) => {
          this.model.update(snapshot);
          this.changeEmitter.fire(undefined);
        }),
      ),
    );
  }

  getTreeItem(node: TierTreeNode): vscode.TreeItem {
    const view = this.model.present(node, Date.now());
    const item = new vscode.TreeItem(
      view.label,
      view.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = view.id;
    item.description = view.description;
    item.tooltip = new vscode.MarkdownString(view.tooltip);
    item.contextValue = view.contextValue;
    item.iconPath = new vscode.ThemeIcon(view.icon, view.iconColor ? new vscode.ThemeColor(view.iconColor) : undefined);
    if (node.kind === 'entry') {
      item.command = {
        command: CommandId.OpenEntry,
        title: 'Open Entry',
        arguments: [node],
      };
    }
    return item;
  }

  async getChildren(node?: TierTreeNode): Promise<TierTreeNode[]> {
    if (!node) {
      await this.countEntries();
      return this.model.roots();
    }
    if (node.kind === 'entry') return [];
    if (node.kind === 'alerts' || node.kind === 'alert') return alertChildren(node);
    if (node.kind === 'tier') {
      return node.entries.map((entry) => ({ kind: 'entry', layer: node.layer, tier: node.tier, entry }));
    }
    const engine = this.host.engineIfReady;
    return Promise.all(
      TIERS.map(async (tier): Promise<TierTreeNode> => {
        let entries: readonly EntryInfo[] = [];
        if (engine && this.model.isListable(tier)) {
          try {
            entries = await engine.cache.entries(node.layer, tier, ENTRIES_PER_TIER);
          } catch (error) {
            this.logger.warn(`listing ${tier} entries of ${node.layer} failed: ${describeError(error)}`);
          }
        }
        return { kind: 'tier', layer: node.layer, tier, entries };
      }),
    );
  }

  /** Lists each shared tier of each layer (capped) so the layer rows count what every tier holds, not memory only. */
  private async countEntries(): Promise<void> {
    const engine = this.host.engineIfReady;
    if (!engine) return;
    const counts: LayerTierCounts = {};
    await Promise.all(
      LAYERS.flatMap((layer) =>
        TIERS.filter((tier) => tier !== 'memory' && this.model.isListable(tier)).map(async (tier) => {
          try {
            const listed = await engine.cache.entries(layer, tier, ENTRIES_PER_TIER);
            (counts[layer] ??= {})[tier] = listed.length;
          } catch (error) {
            this.logger.debug(`counting ${tier} entries of ${layer} failed: ${describeError(error)}`);
          }
        }),
      ),
    );
    this.model.updateCounts(counts);
  }
}
