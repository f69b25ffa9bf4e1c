import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from '../../src/core/io/processIdentity';
import { SharedSurrealDirectory } from '../../src/core/stores/surreal/shared/sharedDirectory';
import { newAccessToken, ownerFilePath, readOwnerRecord, writeOwnerRecord } from '../../src/core/stores/surreal/shared/ownerRecord';

/**
 * An owner file left by a killed owner whose PID the system has since given to another process: before, every
 * run tried that "owner" until its open timed out, and went without the tier (6 s slower and uncached).
 */
describe('a stale owner file of a shared SurrealDB directory', function () {
  this.timeout(30_000);
  let root: string;
  let directory: string;
  let sleeper: ChildProcess | undefined;
  let listener: Server | undefined;
  let shared: SharedSurrealDirectory | undefined;
  let knocks = 0;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'surreal-stale-owner-'));
    directory = join(root, 'surreal');
    knocks = 0;
    // Where the stale record points: it counts who knocks and never answers, like a port now used by anything else.
    listener = createServer((socket) => {
      knocks += 1;
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => listener?.listen(0, '127.0.0.1', () => resolve()));
    sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  });

  afterEach(async () => {
    await shared?.close();
    shared = undefined;
    sleeper?.kill('SIGKILL');
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
    await rm(root, { recursive: true, force: true });
  });

  const port = (): number => {
    const address = listener?.address();
    assert.ok(address !== null && typeof address === 'object');
    return address.port;
  };

  const open = (): Promise<SharedSurrealDirectory> =>
    SharedSurrealDirectory.open(directory, {
      url: `surrealkv://${directory}`,
      namespace: 'cache',
      database: 'cache',
      connectTimeoutMs: 5_000,
      openTimeoutMs: 2_000,
    });

  it('is stale at once when its PID is alive but belongs to another process (another start time)', async () => {
    const pid = sleeper?.pid;
    assert.ok(pid !== undefined);
    const startedAt = await processStartTime(pid);
    assert.ok(startedAt !== undefined);
    await writeOwnerRecord(ownerFilePath(directory), { pid, startedAt: String(Number(startedAt) + 3), port: port(), token: newAccessToken() });

    shared = await open();
    assert.equal(shared.role, 'owner');
    assert.equal(knocks, 0, 'the process named by a reused PID is not even asked');
    const record = await readOwnerRecord(ownerFilePath(directory));
    assert.equal(record?.pid, process.pid, 'the new owner published itself');
    assert.equal(record?.startedAt, await processStartTime(process.pid), 'with its start time');
  });

  it('is not waited on when the process it names is alive but serves nothing, and the lock is free', async () => {
    const pid = sleeper?.pid;
    assert.ok(pid !== undefined);
    const startedAt = await processStartTime(pid);
    // A record of an older version (no start time) naming a live PID whose port refuses connections.
    const closed = port();
    await new Promise<void>((resolve) => listener?.close(() => resolve()));
    listener = undefined;
    await writeOwnerRecord(ownerFilePath(directory), { pid, port: closed, token: newAccessToken() });
    assert.ok(startedAt !== undefined);

    shared = await open();
    assert.equal(shared.role, 'owner');
  });
});
