// What the local Twirp servers (cacheServer.ts, artifactServer.ts) share: the error a
// call answers with, its JSON reply, and a server listening on a free loopback port.

import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export class TwirpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: number | undefined;
  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Answers a failed call as Twirp does ({code, msg}); anything not a TwirpError is a 500. Returns what was answered. */
export function replyTwirpError(res: http.ServerResponse, err: unknown): TwirpError {
  const e = err instanceof TwirpError ? err : new TwirpError(500, 'internal', String(err));
  res.writeHead(e.status, { 'content-type': 'application/json', ...(e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {}) });
  res.end(JSON.stringify({ code: e.code, msg: e.message }));
  return e;
}

/** Runs an async request handler; a failure it did not answer itself becomes a plain 500. */
export function handled(res: http.ServerResponse, handle: () => Promise<void>): void {
  handle().catch((err) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(err));
  });
}

/** Listens on a free 127.0.0.1 port; the server's base URL, ending in `/`. */
export async function listenLocal(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}
