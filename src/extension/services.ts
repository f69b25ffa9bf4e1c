import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import type { DashboardPanel } from './dashboard/dashboardPanel';
import type { CacheSnapshots } from './engine/cacheSnapshots';
import type { EngineHost } from './engine/engineHost';
import type { ExtensionSecrets } from './secrets/extensionSecrets';
import type { EntryDocuments } from './views/entryDocuments';
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
  /** Read-only documents for archived answers, similar-answer suggestions and entry details. */
  readonly readOnlyDocs: ReadOnlyDocuments;
  readonly dashboard: DashboardPanel;
  readonly secrets: ExtensionSecrets;
  readonly channel: vscode.LogOutputChannel;
  readonly logger: Logger;
}
