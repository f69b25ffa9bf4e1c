import type * as vscode from 'vscode';
import { createLogger, type Logger } from '../core/logger';

/** The extension's one logger: every component writes to the same LogOutputChannel under its `[component]` prefix. */
export function createOutputLogger(channel: Pick<vscode.LogOutputChannel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>): Logger {
  return createLogger((level, message) => channel[level](message));
}
