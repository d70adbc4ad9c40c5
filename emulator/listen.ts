/** Binding loopback listeners with an error that names the port and how to change it. */
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly purpose: string,
  ) {
    super(`Port ${port} (${purpose}) is already in use. Stop the program using it, or start the lab on other ports with --port-base <port>.`);
    this.name = 'PortInUseError';
  }
}

export function listenOn(server: NetServer | HttpServer, port: number, host: string, purpose: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(port, purpose));
      else if (error.code === 'EACCES') reject(new Error(`Port ${port} (${purpose}) needs privileges this user lacks; choose another base with --port-base <port> (above 1023).`));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
