import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** How a cut proxy treats new connections. */
export type CutMode =
  /** The port is closed: connecting fails at once with ECONNREFUSED. */
  | 'refuse'
  /** Connections are accepted and then never answered (a silent network, a hung server). */
  | 'black-hole'
  /**
   * Live connections stay open but go silent (a network partition): nothing is forwarded
   * either way, and new connections are black-holed.
   */
  | 'freeze';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, Redis), so tests can cut the
 * network under a running app and restore it. Cutting destroys every live connection, as a
 * dropped link or a restarted server does.
 */
export class TcpProxy {
  private server?: Server;
  private listenPort = 0;
  private mode: 'forward' | CutMode = 'forward';
  /** Every socket, both sides. */
  private readonly live = new Set<Socket>();
  private readonly clients = new Set<Socket>();
  private opened = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<{ port: number }> {
    await this.listen(0);
    return { port: this.listenPort };
  }

  get port(): number {
    if (!this.listenPort) throw new Error('TcpProxy is not started');
    return this.listenPort;
  }

  /** Client connections open right now (forwarded or held in a black hole). */
  get openConnections(): number {
    return this.clients.size;
  }

  /** Client connections accepted since start. */
  get connectionsOpened(): number {
    return this.opened;
  }

  /**
   * Drops every live connection (except in `freeze`, which silences them); from now on new ones
   * are refused or black-holed.
   */
  async cut(mode: CutMode): Promise<void> {
    this.mode = mode;
    if (mode !== 'freeze') {
      for (const socket of this.live) socket.destroy();
      this.live.clear();
    }
    if (mode === 'refuse') await this.closeListener();
  }

  /** Forwards again, on the same port. */
  async restore(): Promise<void> {
    for (const socket of this.live) socket.destroy(); // black-holed clients give up and reconnect
    this.live.clear();
    this.mode = 'forward';
    if (!this.server) await this.listen(this.listenPort);
  }

  async stop(): Promise<void> {
    for (const socket of this.live) socket.destroy();
    this.live.clear();
    await this.closeListener();
  }

  private accept(client: Socket): void {
    this.opened += 1;
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    this.track(client);
    if (this.mode !== 'forward') {
      client.resume(); // read and drop whatever the client says; never answer
      return;
    }
    const upstream = createConnection(this.target);
    this.track(upstream);
    // Forwarded by hand rather than piped, so a freeze can silence a live pair.
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (this.mode === 'forward') to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    // Either side ending or failing ends the other: the proxy never keeps a half-open pair.
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
  }

  private track(socket: Socket): void {
    this.live.add(socket);
    socket.on('error', () => undefined); // resets are the point of this proxy
    socket.on('close', () => this.live.delete(socket));
  }

  private listen(port: number): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.server = server;
        this.listenPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
