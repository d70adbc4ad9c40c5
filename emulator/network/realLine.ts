/**
 * Real uplink mode: the router's WAN addresses still come from the lab ISP, but its outbound
 * connections and name lookups go to the host's network, so the firmware's clients talk to the
 * real services. Off unless the lab is started with it.
 */
import { lookup } from 'node:dns/promises';
import { connect, type Socket } from 'node:net';
import { NetworkError, type NetworkErrorCode, type UplinkProvider } from '../../hal';
import type { RouterDevice } from '../router';
import type { LabIsp } from './isp';

/** Time to wait for the host's network to accept a connection. */
const CONNECT_TIMEOUT_MS = 15_000;

export function realLine(router: RouterDevice, isp: LabIsp): UplinkProvider {
  return {
    lease: async (wan, request) => isp.lease(router.id, wan, request),
    release: (wan) => isp.release(router.id, wan),
    connect: (_wan, host, port) => openRealConnection(host, port),
    resolve: async (_wan, hostname) => {
      try {
        return (await lookup(hostname, { family: 4 })).address;
      } catch (error) {
        throw new NetworkError(toNetworkCode((error as NodeJS.ErrnoException).code), `DNS lookup of ${hostname} failed on the host network: ${(error as Error).message}`);
      }
    },
  };
}

function openRealConnection(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, family: 4, timeout: CONNECT_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new NetworkError('ETIMEDOUT', `Connection to ${host}:${port} timed out on the host network`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reject(new NetworkError(toNetworkCode(error.code), `Connection to ${host}:${port} failed on the host network: ${error.message}`));
    });
  });
}

function toNetworkCode(code: string | undefined): NetworkErrorCode {
  switch (code) {
    case 'ENOTFOUND':
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return code;
    case 'EAI_AGAIN':
    case 'ESERVFAIL':
      return 'ESERVFAIL';
    default:
      return 'ENETUNREACH';
  }
}
