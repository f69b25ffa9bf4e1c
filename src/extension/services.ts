import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import type { DashboardPanel } from './dashboard/dashboardPanel';
import type { CacheSnapshots } from './engine/cacheSnapshots';
import type { EngineHost } from './engine/engineHost';
import type { ExtensionSecrets } from './secrets/extensionSecrets';
import type { EntryDocuments } from './views/entryDocuments';
import type { EntryLabels } from './views/entryLabels';
import type { ReadOnlyDocuments } from './readOnly/readOnlyDocuments';
import type { AnswerDocuments } from './workflows/answerDocuments';
import type { WorkflowCatalog } from './workflows/workflowCatalog';
import type { PreparedRun, WorkflowRunner } from './workflows/workflowRunner';

/** What command handlers work with; built once in activate(). */
export interface ExtensionServices {
  readonly host: EngineHost;
  readonly snapshots: CacheSnapshots;
  readonly catalog: WorkflowCatalog;
  readonly runner: WorkflowRunner;
  readonly answers: AnswerDocuments<PreparedRun>;
  readonly entries: EntryDocuments;
  /** What produced each cache key this workspace's runs wrote (the tree's names instead of hashes). */
  readonly labels: EntryLabels;
  /** Read-only documents for archived answers, similar-answer suggestions and entry details. */
  readonly readOnlyDocs: ReadOnlyDocuments;
  readonly dashboard: DashboardPanel;
  readonly secrets: ExtensionSecrets;
  readonly channel: vscode.LogOutputChannel;
  readonly logger: Logger;
}
