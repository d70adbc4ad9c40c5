/**
 * The emulated services of the lab Internet, started once per lab. Each service family adds its
 * sites here and exposes what other services or the lab API need.
 */
import type { Lab } from '../lab';
import { serviceHostByName } from '../network/hosts';
import { checkIpHandler } from './checkip';
import type { IdentityDirectory } from './identity/contract';
import { Site } from './serve';

export interface Services {
  sites: Site[];
  /** Tenants, users and tokens of the emulated Microsoft and Google identity providers, once started. */
  identity?: IdentityDirectory;
  close(): void;
}

export async function startServices(lab: Lab): Promise<Services> {
  const services: Services = { sites: [], close: () => services.sites.forEach((site) => site.close()) };
  // Certificates must be valid for real clients too, whose clock is the host's, not the lab's.
  const issueTime = new Date(Math.min(lab.clock.now(), Date.now()));

  const checkip = serviceHostByName('checkip.dyndns.org')!;
  services.sites.push(await Site.start(lab.internet, lab.ca, issueTime, { names: [checkip.name], address: checkip.address, httpPort: 80, httpsPort: 443, service: 'checkip' }, checkIpHandler));

  return services;
}
