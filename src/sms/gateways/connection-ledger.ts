import { Agent as HttpAgent, AgentOptions as HttpAgentOptions, ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, AgentOptions as HttpsAgentOptions, RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

/** What the ledger knows of a socket a request used. */
export type SocketHistory =
  /** Connected (TCP, and for https the TLS handshake too): it could carry the request. */
  | 'ready'
  /** Created by our agents and never connected: not one byte of any request left this process. */
  | 'never-ready'
  /** Not created by our agents (a proxy agent, say): nothing is known, so assume the worst. */
  | 'untracked';

/**
 * Remembers, for every socket our agents open, whether it ever became able to carry bytes to the
 * server. Until then Node only queues what the request writes (`socket.bytesWritten` counts those
 * queued bytes too, so it cannot tell "written" from "waiting for a connection"); the `connect`
 * event, or `secureConnect` for TLS, is the one fact that separates the two.
 */
export class ConnectionLedger {
  private readonly sockets = new WeakMap<object, { ready: boolean }>();

  track(socket: Duplex | null | undefined): void {
    if (!socket) return;
    const entry = { ready: false };
    this.sockets.set(socket, entry);
    // Application data never travels before the handshake ends (no TLS early data in Node).
    socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
      entry.ready = true;
    });
  }

  history(socket: object): SocketHistory {
    const entry = this.sockets.get(socket);
    if (!entry) return 'untracked';
    return entry.ready ? 'ready' : 'never-ready';
  }
}

/** An http.Agent that enters each socket it opens in a ledger. */
export class LedgerHttpAgent extends HttpAgent {
  constructor(
    private readonly ledger: ConnectionLedger,
    options: HttpAgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    this.ledger.track(socket);
    return socket;
  }
}

/** An https.Agent that enters each socket it opens in a ledger. */
export class LedgerHttpsAgent extends HttpsAgent {
  constructor(
    private readonly ledger: ConnectionLedger,
    options: HttpsAgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    this.ledger.track(socket);
    return socket;
  }
}
