import { childProcessModule } from '../../lazy/lazyModules';
import { dirname } from 'node:path';
import { StoreError } from '../../errors';

/**
 * Runs the DEFINE INDEX statements for an embedded directory in a short-lived child process.
 *
 * Why: in SurrealDB 3.0's embedded engine (@surrealdb/node 3.0.3), creating an index starts a task that never
 * ends, so the process that created it keeps the directory locked after close() and never exits on its own
 * (verified on this machine; surrealdb/surrealdb.js#592 reports the lock). A process that only opens a
 * directory whose indexes already exist closes and exits cleanly, so the indexes are created once, elsewhere.
 *
 * The child is this same runtime (`process.execPath`; ELECTRON_RUN_AS_NODE makes VS Code's extension host
 * binary act as Node), started in the SDK's folder so that its imports resolve to the same packages.
 */
export async function defineIndexesInChildProcess(options: {
  url: string;
  namespace: string;
  database: string;
  statements: readonly string[];
  timeoutMs: number;
}): Promise<void> {
  const spec = JSON.stringify({
    url: options.url,
    namespace: options.namespace,
    database: options.database,
    query: options.statements.join(';\n'),
  });
  const child = childProcessModule().spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
    cwd: sdkFolder(),
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', CLAUDE_CACHE_SURREAL_INDEX_SPEC: spec },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 4_000) output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const outcome = await new Promise<{ code: number | null; error?: Error; timedOut?: boolean }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, timedOut: true });
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, error });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code });
    });
  });
  if (outcome.code === 0 && output.includes(DONE)) return;
  const reason = outcome.timedOut
    ? `no answer within ${options.timeoutMs} ms`
    : (outcome.error?.message ?? `exit code ${outcome.code}: ${output.trim().slice(0, 1_000)}`);
  throw new StoreError('surreal', `cannot create the cache indexes: ${reason}`, { cause: outcome.error });
}

const DONE = 'claude-cache-indexes-defined';

/** Exits explicitly: the very bug this works around would keep the child alive otherwise. */
const CHILD_SCRIPT = `
const spec = JSON.parse(process.env.CLAUDE_CACHE_SURREAL_INDEX_SPEC);
const { Surreal } = await import('surrealdb');
const { createNodeEngines } = await import('@surrealdb/node');
const db = new Surreal({ engines: createNodeEngines() });
try {
  await db.connect(spec.url, { namespace: spec.namespace, database: spec.database });
  await db.query(spec.query).collect();
  process.stdout.write('${DONE}');
  process.exit(0);
} catch (error) {
  process.stderr.write(String(error && error.message || error));
  process.exit(1);
}
`;

/**
 * A folder whose module resolution finds `surrealdb` and `@surrealdb/node`: the SDK's own, whose parent
 * node_modules holds both.
 */
function sdkFolder(): string {
  try {
    return dirname(require.resolve('surrealdb'));
  } catch {
    return process.cwd();
  }
}
