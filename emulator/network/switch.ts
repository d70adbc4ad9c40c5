/**
 * Connected socket pairs over loopback. A connection the lab opens on someone's behalf (a router's
 * outbound request, a proxied HTTP request) needs a real socket at both ends, so that every server
 * in the lab handles it like any other TCP connection. The two ends meet by the client's local
 * port, whichever side the kernel reports first.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface SocketPair {
  /** The end the caller writes to and reads from. */
  client: Socket;
  /** The end handed to the destination's server. */
  server: Socket;
}

export class LoopbackSwitch {
  private server: Server | undefined;
  private port = 0;
  private readonly waitingClients = new Map<number, (server: Socket) => void>();
  private readonly waitingServers = new Map<number, Socket>();

  async start(): Promise<void> {
    this.server = createServer((socket) => this.serverSide(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  stop(): void {
    this.server?.close();
    for (const socket of this.waitingServers.values()) socket.destroy();
    this.waitingServers.clear();
    this.waitingClients.clear();
  }

  pair(): Promise<SocketPair> {
    if (!this.server) return Promise.reject(new Error('The loopback switch is not started'));
    return new Promise((resolve, reject) => {
      const client = connect(this.port, '127.0.0.1');
      // Lab protocols are chatty (SMTP, TLS handshakes); Nagle's algorithm with delayed ACKs would add ~40 ms per round trip.
      client.setNoDelay(true);
      client.once('error', reject);
      client.once('connect', () => {
        client.off('error', reject);
        const key = client.localPort!;
        const match = (server: Socket) => resolve({ client, server });
        const waiting = this.waitingServers.get(key);
        if (waiting) {
          this.waitingServers.delete(key);
          match(waiting);
        } else {
          this.waitingClients.set(key, (server) => {
            this.waitingClients.delete(key);
            match(server);
          });
        }
      });
    });
  }

  private serverSide(socket: Socket): void {
    socket.setNoDelay(true);
    const key = socket.remotePort!;
    const waiting = this.waitingClients.get(key);
    if (waiting) waiting(socket);
    else this.waitingServers.set(key, socket);
  }
}
