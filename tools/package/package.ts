// `npm run package`: a VSIX for this machine's platform, checked by installing it with code-server; or, with
// `--target all`, one per platform into dist/vsix/ (or --out-dir), each holding only its platform's binaries.
// `--cli` instead packs the CLI's npm package (cli/) into dist/ (or --out-dir).
// Usage: node dist/package.js [--target linux-x64 | --target all] [--out FILE.vsix] [--out-dir DIR] [--no-verify]
//        node dist/package.js --cli [--out-dir DIR]
import { join, resolve } from 'node:path';
import { describeError } from '../../src/core/errors';
import { repoRoot } from '../common/paths';
import { packCliPackage } from './cliPackage';
import { packageAllTargets } from './packageAllTargets';
import { packageVsix } from './packageVsix';
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
  const log = (line: string): boolean => process.stdout.write(`[package] ${line}\n`);
  const outDir = optionValue(args, '--out-dir');
  const fromCwd = (path: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), path);
  if (args.includes('--cli')) {
    process.stdout.write(`${await packCliPackage(repoRoot(), outDir !== undefined ? fromCwd(outDir) : join(repoRoot(), 'dist'))}\n`);
    return;
  }
  if (target === 'all') {
    const result = await packageAllTargets({
      repo: repoRoot(),
      ...(outDir !== undefined ? { outDir: fromCwd(outDir) } : {}),
      verify: !args.includes('--no-verify'),
      log,
    });
    for (const { vsix } of result.written) process.stdout.write(`${vsix.file}\n`);
    for (const { target: name, reason } of result.skipped) process.stdout.write(`skipped ${name}: ${reason}\n`);
    return;
  }
  const result = await packageVsix({
    repo: repoRoot(),
    ...(target !== undefined ? { target: parseTarget(target) } : {}),
    ...(out !== undefined ? { outFile: resolve(process.env.INIT_CWD ?? process.cwd(), out) } : {}),
    verify: !args.includes('--no-verify'),
    log,
  });
  process.stdout.write(`${result.file}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`[package] ${describeError(error)}\n`);
  process.exitCode = 1;
});
