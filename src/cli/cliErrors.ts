import { CacheError } from '../core/errors';

/** The command line was not understood; exit code 2 with the usage line. */
export class CliUsageError extends CacheError {
  readonly code = 'E_CLI_USAGE';
}

/** A settings file that cannot be read or parsed. */
export class SettingsFileError extends CacheError {
  readonly code = 'E_SETTINGS_FILE';
}
