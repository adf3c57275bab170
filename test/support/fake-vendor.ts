import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer; the fake vendor plays them in order, one per request it receives. */
export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. Omitted: an empty body. */
  body?: unknown;
  /** Wait this long before sending anything. */
  delayMs?: number;
  /** Send the status line and headers at once, then wait this long before sending the body. */
  bodyDelayMs?: number;
  /**
   * `before-response`: destroy the socket without answering. `mid-body`: send headers and half the body,
   * then destroy the socket (with a Content-Length announcing more, or chunked when `chunked` is set).
   */
  destroy?: 'before-response' | 'mid-body';
  /** With `destroy: 'mid-body'`: no Content-Length, so the body goes out chunked. */
  chunked?: boolean;
}

/** What the fake vendor received; the body is filled in once the request has ended. */
export interface SeenRequest {
  method: string;
  /** Path and query string exactly as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answer to a request nobody scripted: loud, so an unexpected extra attempt shows in the counts. */
const UNSCRIPTED: ScriptedAnswer = { status: 599, body: { error: 'unscripted request' } };

/**
 * A scriptable loopback vendor on 127.0.0.1 and a port of its own. One per test file (or per test that counts
 * connections); `reset()` between tests clears the script and the record.
 */
export class FakeVendor {
  readonly requests: SeenRequest[] = [];
  /** TCP connections accepted since the last reset. */
  connections = 0;
  private readonly queue: ScriptedAnswer[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', () => {
      this.connections++;
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(): Promise<FakeVendor> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeVendor(server, (server.address() as AddressInfo).port);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Appends answers to the script. */
  script(...answers: ScriptedAnswer[]): this {
    this.queue.push(...answers);
    return this;
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
    this.connections = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(ms: number, run: () => void): void {
    if (!ms) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const seen: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: '',
    };
    this.requests.push(seen);
    const answer = this.queue.shift() ?? UNSCRIPTED;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.body = Buffer.concat(chunks).toString('utf8');
      this.later(answer.delayMs ?? 0, () => this.answer(req, res, answer));
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse, answer: ScriptedAnswer): void {
    // The client may have given up (timeout) while we were waiting.
    if (req.socket.destroyed) return;
    if (answer.destroy === 'before-response') {
      req.socket.destroy();
      return;
    }
    const body =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body);
    const headers: Record<string, string> = {
      ...(typeof answer.body === 'object' ? { 'content-type': 'application/json' } : {}),
      ...answer.headers,
    };
    if (answer.destroy === 'mid-body') {
      if (!answer.chunked) headers['content-length'] = String(Buffer.byteLength(body));
      res.writeHead(answer.status ?? 200, headers);
      res.write(body.slice(0, Math.floor(body.length / 2)));
      this.later(20, () => req.socket.destroy());
      return;
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(answer.status ?? 200, headers);
    if (answer.bodyDelayMs) {
      res.flushHeaders();
      this.later(answer.bodyDelayMs, () => {
        if (!req.socket.destroyed) res.end(body);
      });
      return;
    }
    res.end(body);
  }
}
