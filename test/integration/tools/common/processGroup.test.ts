import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ProcessGroup } from '../../../../tools/common/processGroup';
import { waitUntil } from '../../../../tools/common/waitUntil';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ProcessGroup', () => {
  it('stops the leader and every process it started', async () => {
    // The shell starts a grandchild and reports its pid, then waits: stopping must reach both.
    const group = ProcessGroup.start('sh', ['-c', 'sleep 300 & echo "child $!"; wait']);
    const childPid = await waitUntil(
      async () => {
        const match = /child (\d+)/.exec(group.output());
        return match ? Number(match[1]) : undefined;
      },
      { what: 'the child pid', timeoutMs: 30_000, intervalMs: 20 },
    );
    assert.ok(isAlive(childPid));
    const exit = await group.stop();
    assert.equal(exit.signal, 'SIGTERM');
    await waitUntil(async () => (isAlive(childPid) ? undefined : true), {
      what: 'the child to be gone',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
  });

  it('kills a leader that ignores SIGTERM once the grace period is over', async () => {
    const group = ProcessGroup.start(process.execPath, [
      '-e',
      'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)',
    ]);
    await waitUntil(async () => (group.output().includes('ready') ? true : undefined), {
      what: 'the handler to be installed',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const exit = await group.stop(50);
    assert.equal(exit.signal, 'SIGKILL');
  });

  it('reports how a process ended and keeps the tail of its output', async () => {
    const group = ProcessGroup.start(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)']);
    const exit = await group.exited;
    assert.deepEqual(exit, { code: 3, signal: null });
    assert.deepEqual(group.exit, exit);
    assert.match(group.output(), /out/);
    assert.match(group.output(), /err/);
    assert.deepEqual(await group.stop(), exit, 'stopping an ended group is harmless');
  });

  it('passes output to a listener as it arrives', async () => {
    const chunks: string[] = [];
    const group = ProcessGroup.start(process.execPath, ['-e', 'console.log("hello")'], {
      onOutput: (chunk) => chunks.push(chunk),
    });
    await group.exited;
    assert.match(chunks.join(''), /hello/);
  });

  it('reports a command that cannot start as ended without a code', async () => {
    const group = ProcessGroup.start('/nonexistent/command', []);
    assert.deepEqual(await group.exited, { code: null, signal: null });
    assert.match(group.output(), /ENOENT/);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`kills its groups when the owning process gets ${signal} and nobody else handles it`, async function () {
      this.timeout(60_000);
      // The owner starts a group whose member reports its pid, then waits to be signalled.
      const source = join(__dirname, '../../../../tools/common/processGroup.ts');
      const owner = ProcessGroup.start(process.execPath, [
        '--import',
        'tsx',
        '-e',
        `const { ProcessGroup } = require(${JSON.stringify(source)});
         const group = ProcessGroup.start('sh', ['-c', 'sleep 300 & echo "member $!"; wait'], {
           onOutput: (chunk) => process.stdout.write(chunk),
         });
         setInterval(() => {}, 1000);`,
      ]);
      try {
        const memberPid = await waitUntil(
          async () => {
            const match = /member (\d+)/.exec(owner.output());
            return match ? Number(match[1]) : undefined;
          },
          { what: 'the member pid', timeoutMs: 30_000, intervalMs: 20 },
        );
        assert.ok(owner.pid !== undefined);
        process.kill(owner.pid, signal);
        assert.equal((await owner.exited).signal, signal);
        await waitUntil(async () => (isAlive(memberPid) ? undefined : true), {
          what: 'the member to be gone',
          timeoutMs: 30_000,
          intervalMs: 20,
        });
      } finally {
        await owner.stop();
      }
    });
  }
});
