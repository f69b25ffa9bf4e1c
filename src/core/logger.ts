/**
 * Where the engine reports what it did. The extension backs it with one LogOutputChannel, the CLI with stderr;
 * the engine never formats for either. Each component logs through `child('[component]')`.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(component: string): Logger;
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Builds a Logger from one sink; children prefix their component. */
export function createLogger(sink: (level: Level, message: string) => void, prefix = ''): Logger {
  const emit = (level: Level) => (message: string) => sink(level, prefix ? `${prefix} ${message}` : message);
  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (component) => createLogger(sink, prefix ? `${prefix} [${component}]` : `[${component}]`),
  };
}

/** Discards everything: for tests and for a CLI run without --verbose. */
export const silentLogger: Logger = createLogger(() => undefined);
