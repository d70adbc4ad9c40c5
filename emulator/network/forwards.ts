/**
 * Plain port forwards on loopback: every connection to a local port becomes a connection from a
 * place in the lab to a host and port, for tools that cannot use a proxy (curl, msmtp, ddclient).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { listenOn } from '../listen';
import type { LabNetwork, Place } from './network';

export interface Forward {
  localPort: number;
  purpose: string;
  place: Place;
  host: string;
  port: number;
}

export class PortForwards {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  readonly forwards: Forward[] = [];

  constructor(
    private readonly network: LabNetwork,
    private readonly bindAddress: string,
    private readonly logger: Logger,
  ) {}

  async add(forward: Forward): Promise<void> {
    const server = createServer((socket) => this.accept(forward, socket));
    await listenOn(server, forward.localPort, this.bindAddress, forward.purpose);
    this.servers.push(server);
    this.forwards.push(forward);
  }

  close(): void {
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  private accept(forward: Forward, socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const route = this.network.route(forward.place, forward.host, forward.port);
    if (!route.ok) {
      this.logger.info({ forward: forward.purpose, code: route.error.code }, route.error.message);
      // A refused connection is closed at once; the client sees the connection reset.
      socket.resetAndDestroy();
      return;
    }
    route.deliver(socket);
  }
}
