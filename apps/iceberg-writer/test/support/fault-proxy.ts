import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '@retail/runtime';

export type Fault = 'error5xx' | 'delay' | 'drop';
const FAULT_KINDS: readonly Fault[] = ['error5xx', 'delay', 'drop'];

export interface FaultProxyOptions {
  /** Upstream base URL, e.g. the catalog's. */
  target: string;
  seed: number;
  /** Probability that a request gets a fault (the three kinds in turn). */
  faultRate: number;
  /** How long a delayed response is held: longer than the client's request timeout. */
  delayMs: number;
}

/**
 * An HTTP proxy in front of the catalog that misbehaves at random (seeded), as networks and
 * servers do: answers 503 without forwarding, forwards but answers only after the client gave up,
 * or forwards and then drops the connection without an answer. The last two apply the request on
 * the server while the client sees a failure: the "commit landed, response lost" case.
 */
export class FaultProxy {
  readonly injected: Record<Fault, number> = { error5xx: 0, delay: 0, drop: 0 };
  /** Faults are injected only while armed (start-up can then run cleanly). */
  armed = false;
  private readonly random: () => number;
  private readonly server: http.Server;
  private readonly target: URL;

  private constructor(private readonly options: FaultProxyOptions) {
    this.random = seededRandom(options.seed); // mulberry32: a reproducible fault sequence per seed
    this.target = new URL(options.target);
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private faults = 0;

  /** Whether a request is hit is random (seeded); the kinds take turns, so few faults cover all three. */
  private pickFault(): Fault | undefined {
    if (!this.armed || this.random() >= this.options.faultRate) return undefined;
    return FAULT_KINDS[this.faults++ % FAULT_KINDS.length];
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const fault = this.pickFault();
    if (fault === 'error5xx') {
      this.injected.error5xx++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'injected fault', type: 'ServiceUnavailableException', code: 503 } }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target.host },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (fault === 'drop') {
              this.injected.drop++;
              req.socket.destroy();
              return;
            }
            const reply = () => {
              if (res.destroyed || req.socket.destroyed) return;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
            };
            if (fault === 'delay') {
              this.injected.delay++;
              setTimeout(reply, this.options.delayMs).unref();
            } else reply();
          });
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502).end();
      });
      upstream.end(Buffer.concat(chunks));
    });
  }
}
