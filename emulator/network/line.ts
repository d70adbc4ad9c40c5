/** The line behind a router's WANs: addresses from the lab ISP, traffic through the lab network. */
import type { UplinkProvider } from '../../hal';
import type { RouterDevice } from '../router';
import type { LabIsp } from './isp';
import type { LabNetwork } from './network';

export function routerLine(router: RouterDevice, isp: LabIsp, network: LabNetwork): UplinkProvider {
  return {
    lease: async (wan, request) => isp.lease(router.id, wan, request),
    release: (wan) => isp.release(router.id, wan),
    connect: (wan, host, port) => network.open(network.routeFromWan(router, wan, host, port)),
    resolve: async (wan, hostname) => network.resolveFromWan(router, wan, hostname),
  };
}
