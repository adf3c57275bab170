import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import fetch from 'node-fetch';

/**
 * The wire under every vendor call. Kept to this one small interface so the benchmark can swap node-fetch for
 * another client and compare like with like; nothing above `http.ts` knows which one runs.
 */
export interface TransportRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  header(name: string): string | null;
  /** The whole body as text; rejects when the signal aborts mid-body. */
  text(): Promise<string>;
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/** node-fetch over keep-alive agents: one pool per transport, shared by every request of a vendor client. */
export function createNodeFetchTransport(options: { maxSockets?: number } = {}): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  return {
    async send(request) {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        redirect: 'error',
        agent: (url) => (url.protocol === 'https:' ? httpsAgent : httpAgent),
      });
      return {
        status: response.status,
        header: (name) => response.headers.get(name),
        text: () => response.text(),
      };
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
