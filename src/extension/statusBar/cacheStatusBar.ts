import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { CommandId } from '../commands/commandId';
import type { CacheSnapshot, CacheSnapshots } from '../engine/cacheSnapshots';
import type { EngineHost, EngineState } from '../engine/engineHost';
import { Disposable, toDisposable } from '../lifecycle';
import { ZERO_COST, costSince, statusBarContent, type CostFigures, type StatusBarInput } from './statusBarContent';

const BUDGET_REFRESH_MS = 60_000;

/** The one status-bar item: hit rate and dollars saved; a click opens the dashboard. */
export class CacheStatusBar extends Disposable {
  static readonly id = 'claudeCache.status';
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly host: EngineHost,
    private readonly snapshots: CacheSnapshots,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(CacheStatusBar.id, vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Claude Cache';
    this.item.command = CommandId.ShowDashboard;
    this.render();
    this.item.show();
    this._register(toDisposable(host.events.on('state', () => this.render())));
    this._register(toDisposable(snapshots.events.on('snapshot', () => this.render())));
    // Other windows and CLI runs spend too, without events here: while a budget is shown, re-read the ledger now
    // and then (a ledger that cannot be read keeps what it had and reports it).
    const budgetTimer = setInterval(() => {
      const engine = this.host.engineIfReady;
      if (engine && this.snapshots.latest?.budget) void engine.ledger.refresh().then(() => this.snapshots.refresh());
    }, BUDGET_REFRESH_MS);
    this._register(toDisposable(() => clearInterval(budgetTimer)));
  }

  /** The ledger when this window first saw it: the status bar counts from here, as the hit counters do. */
  private baseline: CostFigures | undefined;

  private render(): void {
    const snapshot = this.snapshots.latest;
    if (snapshot && this.host.state.phase === 'ready') {
      this.baseline ??= snapshot.totals;
      // Reset Statistics emptied the ledger: from now on everything in it was counted in this window.
      if (snapshot.totals.upstreamCalls < this.baseline.upstreamCalls || snapshot.totals.avoidedCalls < this.baseline.avoidedCalls) {
        this.baseline = ZERO_COST;
      }
    }
    const content = statusBarContent(inputFor(this.host.state, snapshot, this.baseline));
    this.item.text = content.text;
    const tooltip = new vscode.MarkdownString(content.tooltip);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = content.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}

function inputFor(state: EngineState, snapshot: CacheSnapshot | undefined, baseline: CostFigures | undefined): StatusBarInput {
  switch (state.phase) {
    case 'failed':
      return { phase: 'failed', reason: describeError(state.error) };
    case 'ready':
      if (!snapshot) return { phase: 'starting' };
      return {
        phase: 'ready',
        summary: {
          layers: snapshot.report.layers,
          tiers: snapshot.health,
          cost: snapshot.totals,
          ...(baseline ? { windowCost: costSince(baseline, snapshot.totals) } : {}),
          ...(snapshot.budget ? { budget: snapshot.budget } : {}),
        },
      };
    default:
      return { phase: state.phase };
  }
}
