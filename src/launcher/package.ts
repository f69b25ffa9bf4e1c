// `npm run package`: a VSIX for this machine's platform, checked by installing it with code-server.
// Usage: node dist/package.js [--target linux-x64] [--out FILE.vsix] [--no-verify]
import { resolve } from 'node:path';
import { describeError } from '../core/errors';
import { packageVsix } from './packageVsix';
import { repoRoot } from './paths';
import { parseTarget } from './platformTarget';

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

async function main(args: readonly string[]): Promise<void> {
  const target = optionValue(args, '--target');
  const out = optionValue(args, '--out');
  const result = await packageVsix({
    repo: repoRoot(),
    ...(target !== undefined ? { target: parseTarget(target) } : {}),
    ...(out !== undefined ? { outFile: resolve(process.env.INIT_CWD ?? process.cwd(), out) } : {}),
    verify: !args.includes('--no-verify'),
    log: (line) => process.stdout.write(`[package] ${line}\n`),
  });
  process.stdout.write(`${result.file}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`[package] ${describeError(error)}\n`);
  process.exitCode = 1;
});
