import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { describeError } from '../../../errors';
import type { EmbeddedRpc } from '../surrealConnection';

/**
 * Methods a client may call through the relay. Sign-in and token methods are left out (the access token on the
 * upgrade is the authentication, and the embedded engine has no users), and so are session management (the
 * relay gives each client a session of its own) and live queries (their notifications are not relayed).
 */
const RELAYED = new Set([
  'ping',
  'version',
  'info',
  'use',
  'let',
  'unset',
  'reset',
  'query',
  'select',
  'create',
  'insert',
  'insert_relation',
  'upsert',
  'update',
  'merge',
  'patch',
  'delete',
  'relate',
  'run',
  'begin',
  'commit',
  'cancel',
]);

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** SurrealDB's JSON-RPC error codes, as its server sends them. */
const INVALID_REQUEST = -32600;
const NOT_ALLOWED = -32002;
const INTERNAL = -32000;

/**
 * SurrealDB's own WebSocket RPC protocol (CBOR frames `{id, method, params}` answered by `{id, result}` or
 * `{id, error}`) served on 127.0.0.1 and executed by the embedded engine of this process: other processes reach
 * the directory this one has locked through the SDK's ordinary `ws://` engine. Every client gets a session of
 * its own, so its `use`, variables and transactions never touch the owner's or another client's.
 */
export class SurrealRpcRelay {
  private readonly sockets = new Set<WebSocket>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly webSockets: WebSocketServer,
    private readonly rpc: EmbeddedRpc,
    readonly port: number,
    /** What a client sends as `authorization: Bearer <token>`. */
    readonly token: string,
  ) {}

  /**
   * Listens on 127.0.0.1, on `port` or one the OS picks; only upgrades to /rpc that carry `Bearer <token>` are
   * served.
   */
  static async start(options: { rpc: EmbeddedRpc; token: string; port?: number }): Promise<SurrealRpcRelay> {
    const expected = Buffer.from(`Bearer ${options.token}`);
    const webSockets = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024 * 1024,
      handleProtocols: (protocols) => (protocols.has('cbor') ? 'cbor' : false),
    });
    const server = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
    });
    let relay: SurrealRpcRelay | undefined;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const refusal = refusalOf(request, expected);
      if (refusal !== undefined || relay === undefined || relay.closing) {
        socket.end(`HTTP/1.1 ${refusal ?? '503 Service Unavailable'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const accepted = relay;
      webSockets.handleUpgrade(request, socket, head, (webSocket) => accepted.serve(webSocket));
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    relay = new SurrealRpcRelay(server, webSockets, options.rpc, port, options.token);
    return relay;
  }

  /** Clients connected right now. */
  get clients(): number {
    return this.sockets.size;
  }

  /** Stops listening and drops every client (they notice and look for the next owner). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const socket of this.sockets) socket.terminate();
      this.sockets.clear();
      await new Promise<void>((resolve) => this.webSockets.close(() => resolve()));
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    })();
    return this.closing;
  }

  private serve(socket: WebSocket): void {
    if (this.closing) {
      socket.terminate();
      return;
    }
    this.sockets.add(socket);
    const session = this.rpc.newSessionId();
    const attached = this.rpc.send({ method: 'attach', session }).then(
      () => true,
      () => false,
    );
    socket.on('message', (data: RawData) => {
      void this.answer(socket, session, attached, data);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.sockets.delete(socket);
      void attached.then((ok) => (ok && !this.closing ? this.rpc.send({ method: 'detach', session }) : undefined)).catch(() => undefined);
    });
  }

  private async answer(socket: WebSocket, session: unknown, attached: Promise<boolean>, data: RawData): Promise<void> {
    let request: unknown;
    try {
      request = this.rpc.decode(toBytes(data));
    } catch {
      socket.close(1003, 'frames must be CBOR');
      return;
    }
    const { id, method, params, txn } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    const reply = (body: Record<string, unknown>): void => {
      if (socket.readyState !== socket.OPEN) return;
      try {
        socket.send(this.rpc.encode({ id, ...body }));
      } catch (error) {
        socket.send(this.rpc.encode({ id, error: errorBody(error) }));
      }
    };
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof method !== 'string') {
      reply({ error: { code: INVALID_REQUEST, kind: 'Validation', message: 'a request needs an id and a method' } });
      return;
    }
    if ((request as Record<string, unknown>).session !== undefined) {
      reply({ error: { code: NOT_ALLOWED, kind: 'NotAllowed', message: 'sessions of your own are not relayed: you have one already' } });
      return;
    }
    if (!RELAYED.has(method)) {
      reply({ error: { code: NOT_ALLOWED, kind: 'NotAllowed', message: `${method} is not available through the owner of a shared SurrealDB directory` } });
      return;
    }
    if (!(await attached)) {
      reply({ error: { code: INTERNAL, kind: 'Internal', message: 'the owner could not open a session for this connection' } });
      return;
    }
    try {
      const result = await this.rpc.send({
        method,
        ...(Array.isArray(params) ? { params } : {}),
        session,
        ...(txn !== undefined ? { txn } : {}),
      });
      reply({ result });
    } catch (error) {
      reply({ error: errorBody(error) });
    }
  }
}

/** Why an upgrade is refused, as an HTTP status line; undefined when it is acceptable. */
function refusalOf(request: IncomingMessage, expected: Buffer): string | undefined {
  if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return '403 Forbidden';
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/rpc') return '404 Not Found';
  const given = Buffer.from(request.headers.authorization ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized';
  return undefined;
}

/** The engine threw a ServerError built from SurrealDB's error object; the client's SDK rebuilds it from this. */
function errorBody(error: unknown): Record<string, unknown> {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; kind?: unknown; details?: unknown };
  return {
    code: typeof fields.code === 'number' ? fields.code : INTERNAL,
    kind: typeof fields.kind === 'string' ? fields.kind : 'Internal',
    message: describeError(error),
    ...(fields.details !== undefined && fields.details !== null ? { details: fields.details } : {}),
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
