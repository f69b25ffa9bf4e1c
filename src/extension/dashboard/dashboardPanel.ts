import * as vscode from 'vscode';
import { CommandId } from '../commands/commandId';
import type { DailyCost } from '../../core/cost';
import type { CacheSnapshot, CacheSnapshots } from '../engine/cacheSnapshots';
import { Disposable, toDisposable } from '../lifecycle';
import { dailyHistory, projectMonthly, type DailyPoint, type MonthlyProjection } from './dailyHistory';
import { dashboardHtml } from './dashboardHtml';
import { sampleOf } from './dashboardSample';
import { StatsHistory } from './statsHistory';

/** How often the open dashboard samples on its own, between engine events. */
const SAMPLE_INTERVAL_MS = 3_000;

/** Commands the page's buttons may run; anything else a message asks for is ignored. */
const PAGE_COMMANDS: ReadonlySet<string> = new Set([CommandId.Refresh, CommandId.ResetStats]);

/**
 * The dashboard webview: the ledger's last 30 days of dollars (read from ledger.json, so a window reload keeps
 * them), and this window's hit rate and tier latency over time. The window's samples are kept here (from every
 * snapshot, open or not), so closing and reopening the panel keeps those charts too; the page itself keeps what
 * it was last sent with setState, so it redraws at once when its tab is shown again instead of holding its
 * context while hidden (https://code.visualstudio.com/api/extension-guides/webview#persistence, seen 2026-12-06:
 * retainContextWhenHidden costs memory and is for pages that cannot save and restore quickly).
 */
export class DashboardPanel extends Disposable {
  static readonly viewType = 'claudeCache.dashboard';
  private panel: vscode.WebviewPanel | undefined;
  private readonly history = new StatsHistory();
  private sampler: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly snapshots: CacheSnapshots,
    /** The ledger's per-day figures (undefined while the engine is not open). */
    private readonly ledgerDays: () => readonly DailyCost[] | undefined,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this._register(toDisposable(snapshots.events.on('snapshot', (snapshot) => this.record(snapshot))));
    this._register(toDisposable(() => this.stopSampling()));
    this._register(toDisposable(() => this.panel?.dispose()));
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Claude Cache Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(media, 'claude-cache.svg');
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      // asWebviewUri: the page may load only what localResourceRoots allows, through the webview's own origin.
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.js')).toString(),
      formatScriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboardFormat.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.css')).toString(),
    });
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidChangeViewState(() => (panel.visible ? this.startSampling() : this.stopSampling())),
    ];
    panel.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      this.stopSampling();
      this.panel = undefined;
    });
    this.startSampling();
  }

  /** Forgets this window's samples (statistics were reset; the ledger's days are reset with the ledger). */
  resetHistory(): void {
    this.history.clear();
    this.postHistory();
  }

  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const { type, command } = message as { type?: unknown; command?: unknown };
    if (type === 'ready') {
      this.postHistory();
      void this.sampleNow();
    } else if (type === 'command' && typeof command === 'string' && PAGE_COMMANDS.has(command)) {
      void vscode.commands.executeCommand(command);
    }
  }

  private record(snapshot: CacheSnapshot | undefined): void {
    if (!snapshot) return;
    const sample = sampleOf(snapshot);
    this.history.add(sample);
    void this.panel?.webview.postMessage({ type: 'sample', sample, ...this.daily() });
  }

  private postHistory(): void {
    void this.panel?.webview.postMessage({ type: 'history', samples: this.history.all(), ...this.daily() });
  }

  /** The last 30 days from the ledger, and the monthly rate of its complete days; null while the engine is closed. */
  private daily(): { daily: DailyPoint[] | null; projection: MonthlyProjection | null } {
    const days = this.ledgerDays();
    if (!days) return { daily: null, projection: null };
    const points = dailyHistory(days, this.now());
    return { daily: points, projection: projectMonthly(points) ?? null };
  }

  private async sampleNow(): Promise<void> {
    this.record(await this.snapshots.take());
  }

  private startSampling(): void {
    if (this.sampler || !this.panel) return;
    this.sampler = setInterval(() => void this.sampleNow(), SAMPLE_INTERVAL_MS);
  }

  private stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
  }
}
