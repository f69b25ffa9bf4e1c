import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort } from '../../../../tools/common/freePort';

describe('freePort', () => {
  it('gives a loopback port that can be bound right away', async () => {
    const port = await freePort();
    assert.ok(port > 0 && port < 65_536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    server.close();
  });
});
