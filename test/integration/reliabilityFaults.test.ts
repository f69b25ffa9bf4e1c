import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { createLogger } from '../../src/core/logger';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

const REPO = resolve(__dirname, '..', '..');

/**
 * A child process that opens an engine on `storageDir` in write-behind mode and writes result entries k0, k1, ...
 * forever; after every 20 writes it flushes and prints `durable <n>` (k0..k<n-1> reached SurrealDB). With
 * `hold` it only opens the engine and prints `holding`.
 */
function childSource(): string {
  return `
import { objectReader, resolveConfig } from ${JSON.stringify(join(REPO, 'src/core/config'))};
import { CacheEngine } from ${JSON.stringify(join(REPO, 'src/core/engine'))};
async function main(): Promise<void> {
  const [storageDir = '', mode] = process.argv.slice(2);
  const { config } = resolveConfig(objectReader({ storageDir, writeMode: 'write-behind', 'writeBehind.flushIntervalMs': 20 }));
  const engine = await CacheEngine.open({ config });
  const surreal = engine.openings.find((o) => o.tier === 'surreal');
  if (surreal?.status !== 'up') throw new Error('child could not open SurrealDB: ' + surreal.detail);
  if (mode === 'hold') { process.stdout.write('holding\\n'); setInterval(() => undefined, 1000); return; }
  for (let i = 0; ; i += 1) {
    await engine.cache.set('result', 'k' + i, { text: 'answer ' + i + ' ' + 'x'.repeat(500), model: 'claude-sonnet-5-5', stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, costUsd: 0, createdAt: 0 });
    if ((i + 1) % 20 === 0) { await engine.cache.flush(); process.stdout.write('durable ' + (i + 1) + '\\n'); }
  }
}
main().catch((error: unknown) => { process.stderr.write(String((error as Error).stack ?? error)); process.exit(3); });
`;
}
import type { CachedAnswer } from '../../src/core/pipeline';
import { cachedAnswer as answer } from '../helpers/cachedAnswer';

interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line for which `accept` returns true. */
  waitFor(accept: (line: string) => boolean, timeoutMs: number): Promise<string>;
  lines: string[];
  /** Resolves once stdout is closed, i.e. every line the child wrote has been read. */
  drained: Promise<void>;
}

function startChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const drained = new Promise<void>((resolvePromise) => child.stdout?.once('close', () => resolvePromise()));
  child.on('exit', () => {
    for (const wake of waiters) wake();
  });
  return {
    process: child,
    lines,
    drained,
    waitFor(accept, timeoutMs) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`child did not say so within ${timeoutMs} ms; stdout ${lines.slice(-3).join(' | ')}; stderr ${stderr}`));
        }, timeoutMs);
        const check = () => {
          const line = lines.find(accept);
          if (line !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            resolvePromise(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`child exited (${child.exitCode ?? child.signalCode}): ${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  child.kill('SIGKILL');
  await exited;
}

describe('faults', function () {
  this.timeout(120_000);
  let root: string;
  let script: string;
  const children: ChildProcess[] = [];
  const engines: CacheEngine[] = [];
  const warnings: string[] = [];

  async function openEngine(storage: string, settings: Record<string, unknown> = {}): Promise<CacheEngine> {
    const { config, problems } = resolveConfig(objectReader({ storageDir: storage, ...settings }));
    assert.deepEqual(problems, []);
    const engine = await CacheEngine.open({
      config,
      apiKey: 'test-key',
      logger: createLogger((level, message) => {
        if (level === 'warn') warnings.push(message);
      }),
    });
    engines.push(engine);
    return engine;
  }

  beforeEach(async () => {
    warnings.length = 0;
    root = await mkdtemp(join(tmpdir(), 'reliability-faults-'));
    script = join(root, 'writer.ts');
    await writeFile(script, childSource());
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map(killHard));
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('loses at most the writes queued since the last flush when killed with SIGKILL mid write-behind, and reopens', async () => {
    const storage = join(root, 'storage');
    const writer = startChild(script, [storage, 'write']);
    children.push(writer.process);
    await writer.waitFor((line) => Number(line.split(' ')[1]) >= 200, 60_000);
    await killHard(writer.process);
    // A flush confirmed just before the kill may still sit in the pipe; it counts too.
    await writer.drained;
    const durable = Math.max(...writer.lines.filter((line) => line.startsWith('durable ')).map((line) => Number(line.split(' ')[1])));

    const engine = await openEngine(storage);
    const opening = engine.openings.find((candidate) => candidate.tier === 'surreal');
    assert.equal(opening?.status, 'up', opening?.detail);
    assert.ok(!(opening?.detail ?? '').includes('damaged'), 'an unclean shutdown is not damage');
    const missing: number[] = [];
    for (let i = 0; i < durable; i += 1) {
      const hit = await engine.cache.get<{ text: string }>('result', `k${i}`);
      if (hit?.value.text.startsWith(`answer ${i} `) !== true) missing.push(i);
    }
    assert.deepEqual(missing, [], 'every write flushed before the kill survives');
    // So what a kill can lose is bounded by the write-behind queue: writes after the last flush that completed
    // (the timer flushes every 20 ms here, so some of those survive too).
    await engine.cache.set('result', 'after-crash', answer('works'));
    assert.equal((await engine.cache.get<CachedAnswer>('result', 'after-crash'))?.value.text, 'works');
  });

  for (const [damage, harm] of [
    ['garbage manifest', async (dir: string) => {
      for (const file of await readdir(join(dir, 'manifest'))) await writeFile(join(dir, 'manifest', file), Buffer.alloc(64, 0xab));
    }],
    ['truncated files', async (dir: string) => {
      for (const sub of ['manifest', 'sstables']) {
        for (const file of await readdir(join(dir, sub))) {
          const path = join(dir, sub, file);
          await truncate(path, Math.floor((await stat(path)).size / 2));
        }
      }
    }],
  ] as const) {
    it(`moves a SurrealDB directory with ${damage} aside with a message, starts fresh, and opens normally after`, async () => {
      const storage = join(root, 'storage');
      const first = await openEngine(storage);
      for (let i = 0; i < 200; i += 1) await first.cache.set('result', `k${i}`, answer(`v${i} ${'y'.repeat(300)}`));
      await first.close();
      const directory = join(storage, 'surreal');
      await harm(directory);

      const second = await openEngine(storage);
      const opening = second.openings.find((candidate) => candidate.tier === 'surreal');
      assert.equal(opening?.status, 'up', opening?.detail);
      assert.match(opening?.detail ?? '', /new; the unreadable one is in .*surreal\.damaged-/);
      assert.ok(warnings.some((line) => /moved it to .*surreal\.damaged-.* and started an empty one/.test(line)), warnings.join('\n'));
      const aside = (await readdir(storage)).filter((name) => name.startsWith('surreal.damaged-'));
      assert.equal(aside.length, 1, 'the damaged directory is kept for inspection');
      await second.cache.set('result', 'fresh', answer('value'));
      await second.close();

      warnings.length = 0;
      const third = await openEngine(storage);
      assert.equal(third.openings.find((candidate) => candidate.tier === 'surreal')?.detail, `surrealkv://${directory}`);
      assert.equal((await third.cache.get<CachedAnswer>('result', 'fresh'))?.value.text, 'value');
      assert.deepEqual(warnings, []);
    });
  }

  it('leaves a directory another live engine holds where it is, and shares it through that process', async () => {
    const storage = join(root, 'storage');
    const holder = startChild(script, [storage, 'hold']);
    children.push(holder.process);
    await holder.waitFor((line) => line === 'holding', 60_000);
    const engine = await openEngine(storage);
    const opening = engine.openings.find((candidate) => candidate.tier === 'surreal');
    assert.equal(opening?.status, 'up', opening?.detail);
    assert.match(opening?.detail ?? '', new RegExp(`shared; served by process ${holder.process.pid}`));
    assert.deepEqual((await readdir(storage)).filter((name) => name.includes('damaged')), []);
    await engine.cache.set('result', 'k', answer('memory still works'));
    assert.equal((await engine.cache.get<CachedAnswer>('result', 'k'))?.value.text, 'memory still works');
  });

  describe('Redis absent at start, then started', () => {
    let redis: RedisServerHandle;
    let fake: FakeAnthropic;

    before(async () => {
      [redis, fake] = await Promise.all([startRedisServer(), startFakeAnthropic()]);
    });

    after(async () => {
      await Promise.all([redis.stop(), fake.close()]);
    });

    it('runs succeed throughout, the tier recovers by itself, and what was written meanwhile is in SurrealDB', async () => {
      await redis.kill();
      const workspace = join(root, 'workspace');
      await mkdir(workspace, { recursive: true });
      const engine = await openEngine(join(root, 'storage'), {
        'redis.url': redis.url,
        'redis.keyPrefix': 'late:',
        apiBaseUrl: fake.url,
        'tiers.breakerThreshold': 1,
      });
      const run = (selection: string) => engine.pipeline.run({ workflow: 'explain-selection', workspace, selection });
      for (let i = 0; i < 3; i += 1) assert.equal((await run(`const down${i} = 1;`)).cached, false);
      assert.notEqual(engine.cache.tierStatus('redis'), 'up');
      assert.equal((await run('const down0 = 1;')).cached, true, 'memory and SurrealDB answer meanwhile');

      await redis.restart();
      const deadline = Date.now() + 30_000;
      let attempt = 0;
      // Keep the engine busy, as a user would, until Redis is back; no fixed wait is asserted.
      while (engine.cache.tierStatus('redis') !== 'up' && Date.now() < deadline) {
        await run(`const waiting${attempt++ % 5} = 1;`);
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
      }
      assert.equal(engine.cache.tierStatus('redis'), 'up');
      assert.equal((await run('const up = 1;')).cached, false);
      const client = new Redis(redis.url);
      try {
        assert.ok((await client.keys('late:result:*')).length > 0, 'new answers reach Redis again');
        // Nothing written during the outage is lost from SurrealDB: a new process with an empty Redis finds it.
        await engine.close();
        engines.splice(engines.indexOf(engine), 1);
        await client.flushall();
        const reopened = await openEngine(join(root, 'storage'), { 'redis.url': redis.url, 'redis.keyPrefix': 'late:', apiBaseUrl: fake.url });
        const calls = fake.calls;
        const replayed = await reopened.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const down1 = 1;' });
        assert.equal(replayed.cached, true);
        assert.equal(fake.calls, calls);
      } finally {
        client.disconnect();
      }
    });
  });
});
