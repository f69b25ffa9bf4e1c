import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../errors';
import { MetricsPortInUseError, MetricsServerError } from './errors';

/** What the server serves at /metrics: built on every request. */
export interface Exposition {
  contentType: string;
  body(): Promise<string>;
}

/** Loopback only: cache statistics and dollars are nobody else's business, so the address is not configurable. */
const HOST = '127.0.0.1';

/**
 * `GET /metrics` on 127.0.0.1 for a Prometheus scraper. Starting fails with MetricsPortInUseError when the port is
 * taken, never with an unhandled error; port 0 picks a free one (tests).
 */
export class MetricsServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(port: number, exposition: () => Exposition | undefined): Promise<MetricsServer> {
    const server = createServer((request, response) => void respond(request, response, exposition()));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.removeListener('listening', onListening);
        reject(
          error.code === 'EADDRINUSE'
            ? new MetricsPortInUseError(port)
            : new MetricsServerError(`cannot serve metrics on ${HOST}:${port}: ${describeError(error)}`, { cause: error }),
        );
      };
      const onListening = () => {
        server.removeListener('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, HOST);
    });
    // A scraper that opens a connection and never reads must not keep the window from closing.
    server.unref();
    return new MetricsServer(server, (server.address() as AddressInfo).port);
  }

  get url(): string {
    return `http://${HOST}:${this.port}/metrics`;
  }

  /** Stops listening and drops open connections. Safe to call more than once. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function respond(request: IncomingMessage, response: ServerResponse, exposition: Exposition | undefined): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') return plain(response, 404, 'not found: metrics are at /metrics\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'only GET\n', { allow: 'GET, HEAD' });
  if (!exposition) return plain(response, 503, 'the cache is not open yet\n');
  try {
    const body = await exposition.body();
    response.writeHead(200, { 'content-type': exposition.contentType });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    plain(response, 500, `could not collect metrics: ${describeError(error)}\n`);
  }
}

function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}
