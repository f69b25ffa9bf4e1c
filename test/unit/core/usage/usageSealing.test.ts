import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encodeValue, decodeValue } from '../../../../src/core/codec';
import { EncryptingCodec } from '../../../../src/core/codec/encryptingCodec';
import type { RunResult } from '../../../../src/core/pipeline';
import { prewarmCandidates } from '../../../../src/core/usage/prewarmCandidates';
import { SurrealUsageStore, type SurrealQuery } from '../../../../src/core/usage/surrealUsageStore';
import { usageRecordOf, type UsageRecord } from '../../../../src/core/usage/usageRecord';
import { usageSealing } from '../../../../src/core/usage/usageSealing';

const plain = { encode: encodeValue, decode: decodeValue };
const sealer = (key = randomBytes(32)) => new EncryptingCodec(plain, key);

function runResult(): RunResult {
  return {
    runId: 'r',
    workflow: 'deploy',
    model: 'claude-sonnet-5-5',
    text: 'answer',
    cached: false,
    layer: null,
    usage: { inputTokens: 40, outputTokens: 10, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    costUsd: 0.02,
    savedUsd: 0,
    upstreamCalls: 1,
    missReasons: [],
    steps: [{ layer: 'result', key: 'r1', source: 'compute' }],
    stopReason: 'end_turn',
  };
}

function record(at: number, workspace: string, overrides: Partial<UsageRecord['request']> = {}): UsageRecord {
  return usageRecordOf({ workspace, file: 'src/billing/invoice.ts', args: ['quarterly'], inputs: { region: 'eu-west' }, ...overrides }, runResult(), at, 5);
}

/**
 * The usage table as SurrealDB would keep it, enough for the store's statements: rows are kept as the engine
 * sent them (so a test can look at what would be on disk), read back filtered, newest first.
 */
function fakeTable(): { query: SurrealQuery; rows: Array<Record<string, unknown>> } {
  const rows: Array<Record<string, unknown>> = [];
  const query = (async (text: string, bindings: Record<string, unknown>) => {
    if (text.startsWith('DEFINE')) return [null];
    if (text.startsWith('INSERT')) {
      for (const row of bindings.rows as Array<Record<string, unknown>>) rows.push(structuredClone(row));
      return [null];
    }
    if (text.startsWith('SELECT')) {
      const { workspace, sealedWorkspace, since, limit } = bindings as { workspace?: string; sealedWorkspace?: string; since: number; limit: number };
      const matching = rows
        .filter((row) => workspace === undefined || row.workspace === workspace || row.workspace === sealedWorkspace)
        .filter((row) => (row.at as number) >= since)
        .sort((a, b) => (b.at as number) - (a.at as number))
        .slice(0, limit);
      return [structuredClone(matching)];
    }
    throw new Error(`unexpected statement ${text}`);
  }) as SurrealQuery;
  return { query, rows };
}

describe('usage records that hold secrets', () => {
  it('are not kept when an input is named like a credential, whatever its value', () => {
    const made = usageRecordOf(
      { workspace: '/ws', inputs: { password: 'hunter2word', dbPassword: 'lettersonly', region: 'eu-west' } },
      runResult(),
      0,
      0,
    );
    assert.ok(!JSON.stringify(made).includes('hunter2word'));
    assert.ok(!JSON.stringify(made).includes('lettersonly'));
    assert.equal(made.request.inputs.region, 'eu-west');
  });

  it('are not kept when the value is a token of a shape the detector knows, or the file path holds one', () => {
    const made = usageRecordOf(
      {
        workspace: '/ws',
        file: 'secrets/ghp_abcdefghijklmnopqrstuvwxyz0123456789.txt',
        args: ['AKIAIOSFODNN7EXAMPLE'],
        inputs: { db: 'postgres://app:dbpassletters@db/app' },
        selection: 'DB_PASSWORD=fromtheselection',
      },
      runResult(),
      0,
      0,
    );
    const text = JSON.stringify(made);
    for (const secret of ['abcdefghijklmnopqrstuvwxyz0123456789', 'AKIAIOSFODNN7EXAMPLE', 'dbpassletters', 'fromtheselection']) {
      assert.ok(!text.includes(secret), secret);
    }
    // A request with parts not kept cannot be run again as asked, so prewarming leaves it out.
    assert.deepEqual(prewarmCandidates([made], 10), []);
  });
});

describe('SurrealUsageStore with sealing', () => {
  it('writes nothing readable but the time, and reads the records back by workspace', async () => {
    const table = fakeTable();
    const sealing = usageSealing(sealer());
    const store = await SurrealUsageStore.open(table.query, { sealing });
    await store.append([record(1, '/home/ada/projects/payroll'), record(2, '/home/ada/other')]);

    const stored = JSON.stringify(table.rows.map((row) => ({ ...row, sealed: Buffer.from(row.sealed as Uint8Array).toString('latin1') })));
    for (const readable of ['payroll', '/home/ada', 'invoice', 'quarterly', 'eu-west', 'deploy']) {
      assert.ok(!stored.includes(readable), `${readable} readable in ${stored.slice(0, 200)}`);
    }
    assert.deepEqual(table.rows.map((row) => Object.keys(row).sort()), [['at', 'sealed', 'workspace'], ['at', 'sealed', 'workspace']]);

    const mine = await store.read({ workspace: '/home/ada/projects/payroll' });
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.request.file, 'src/billing/invoice.ts');
    assert.deepEqual(mine[0]?.request.inputs, { region: 'eu-west' });
    assert.equal((await store.read({})).length, 2);
  });

  it('still reads records written before sealing, and leaves out those sealed with another key', async () => {
    const table = fakeTable();
    const before = await SurrealUsageStore.open(table.query);
    await before.append([record(1, '/ws')]);
    const otherKey = await SurrealUsageStore.open(table.query, { sealing: usageSealing(sealer()) });
    await otherKey.append([record(2, '/ws')]);

    const key = randomBytes(32);
    const sealed = await SurrealUsageStore.open(table.query, { sealing: usageSealing(sealer(key)) });
    await sealed.append([record(3, '/ws')]);
    assert.deepEqual((await sealed.read({ workspace: '/ws' })).map((found) => found.at), [3, 1]);
    // The same key in another process reads the same.
    const again = await SurrealUsageStore.open(table.query, { sealing: usageSealing(sealer(Buffer.from(key))) });
    assert.deepEqual((await again.read({ workspace: '/ws' })).map((found) => found.at), [3, 1]);
    // Without a key only the plain record is there to read.
    assert.deepEqual((await before.read({ workspace: '/ws' })).map((found) => found.at), [1]);
  });
});
