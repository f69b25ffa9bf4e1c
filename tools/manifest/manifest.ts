// `npm run manifest`: rewrites the generated sections of package.json (`contributes`, `activationEvents` and the
// settings an untrusted workspace may not set) from the sources, touching no other field. Run it after changing
// a setting, a command or a view; test/unit/packageJson.test.ts fails until package.json matches again.
import { join } from 'node:path';
import { describeError } from '../../src/core/errors';
import { repoRoot } from '../common/paths';
import { updateGeneratedSections } from './generatedSections';

try {
  const file = join(repoRoot(), 'package.json');
  const stale = updateGeneratedSections(file);
  const report = stale.length === 0 ? `${file} is up to date` : `updated ${stale.join(', ')} in ${file}`;
  process.stdout.write(`[manifest] ${report}\n`);
} catch (error: unknown) {
  process.stderr.write(`[manifest] ${describeError(error)}\n`);
  process.exitCode = 1;
}
