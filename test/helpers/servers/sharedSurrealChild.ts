/**
 * A process that opens a shared embedded SurrealDB directory through SurrealStore and answers one JSON line per
 * command read from stdin: `set KEY VALUE`, `get KEY`, `reach`, `close` (closes the store, then exits).
 * Usage: node --import tsx sharedSurrealChild.ts <surrealkv-url>
 */
import { createInterface } from 'node:readline';
import { SurrealStore } from '../../../src/core/stores/surreal/surrealStore';

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const url = process.argv[2] ?? '';
  const store = await SurrealStore.open({ url, cleanupIntervalMs: 0 });
  say({ ready: true, reach: store.reach, servedBy: store.servedBy ?? null });
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, key = '', value = ''] = line.split(' ');
    try {
      if (command === 'set') {
        await store.set('result', key, new TextEncoder().encode(value), { ttlMs: 600_000 });
        say({ ok: true });
      } else if (command === 'get') {
        const record = await store.get('result', key);
        say({ value: record ? new TextDecoder().decode(record.value) : null });
      } else if (command === 'reach') {
        say({ reach: store.reach, servedBy: store.servedBy ?? null });
      } else if (command === 'close') {
        await store.close();
        say({ closed: true });
        process.exit(0);
      } else {
        say({ error: `unknown command ${command}` });
      }
    } catch (error) {
      say({ error: error instanceof Error ? error.message : String(error) });
    }
  }
}

main().catch((error: unknown) => {
  say({ error: error instanceof Error ? error.message : String(error) });
  process.exit(3);
});
