/** The emulated services of the lab Internet, started once per lab. */
import type { Lab } from '../lab';
import { serviceHostByName } from '../network/hosts';
import { checkIpHandler } from './checkip';
import { Site } from './serve';

export interface Services {
  sites: Site[];
  close(): void;
}

export async function startServices(lab: Lab): Promise<Services> {
  const sites: Site[] = [];
  // Certificates must be valid for real clients too, whose clock is the host's, not the lab's.
  const issueTime = new Date(Math.min(lab.clock.now(), Date.now()));

  const checkip = serviceHostByName('checkip.dyndns.org')!;
  sites.push(await Site.start(lab.internet, lab.ca, issueTime, { names: [checkip.name], address: checkip.address, httpPort: 80, httpsPort: 443, service: 'checkip' }, checkIpHandler));

  return {
    sites,
    close: () => sites.forEach((site) => site.close()),
  };
}
