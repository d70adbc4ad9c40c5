/**
 * The emulated services of the lab Internet, started once per lab. Each service family adds its
 * sites here and exposes what other services or the lab API need.
 */
import type { Lab } from '../lab';
import { serviceHostByName } from '../network/hosts';
import { checkIpHandler } from './checkip';
import { oauthRelayApp } from './oauthRelay';
import { startDdns, type DdnsServices } from './ddns';
import type { IdentityDirectory } from './identity/contract';
import { startIdentity } from './identity/start';
import { recordOAuthExchanges } from './identity/timelineRecorder';
import { startMailServices, type MailService } from './mail';
import { Site } from './serve';

export interface Services {
  sites: Site[];
  /** Tenants, users and tokens of the emulated Microsoft and Google identity providers, once started. */
  identity?: IdentityDirectory;
  /** The emulated DDNS providers (DrayDDNS and a generic dyndns2 provider), once started. */
  ddns?: DdnsServices;
  /** The emulated Exchange Online and Gmail SMTP servers, the lab's mailboxes and the webmail sites. */
  mail?: MailService;
  close(): void;
}

export async function startServices(lab: Lab): Promise<Services> {
  const services: Services = {
    sites: [],
    close: () => {
      services.sites.forEach((site) => site.close());
      // Lab.stop awaits the mail service's close first, so its mailbox writes are complete.
      void services.mail?.close();
    },
  };
  // Certificates must be valid for real clients too, whose clock is the host's, not the lab's.
  const issueTime = new Date(Math.min(lab.clock.now(), Date.now()));

  const checkip = serviceHostByName('checkip.dyndns.org')!;
  services.sites.push(await Site.start(lab.internet, lab.ca, issueTime, { names: [checkip.name], address: checkip.address, httpPort: 80, httpsPort: 443, service: 'checkip' }, checkIpHandler));
  services.identity = await startIdentity(lab, services.sites);
  services.ddns = await startDdns(lab, services.sites, issueTime);

  const relay = serviceHostByName('oauth2.drayddns.com')!;
  services.sites.push(await Site.start(lab.internet, lab.ca, issueTime, { names: [relay.name], address: relay.address, httpsPort: 443, service: 'DrayDDNS OAuth relay' }, recordOAuthExchanges(oauthRelayApp(), { timeline: lab.timeline, routerAt: (address) => lab.routerAtPublicAddress(address), host: relay.name, steps: [{ path: /^\/doc\/mailOAuth\.htm$/, step: 'callback' }] })));
  // The mail servers look the identity providers up at each use, so a directory set later is used.
  const mailDependencies = { internet: lab.internet, ca: lab.ca, clock: lab.clock, logger: lab.logger, dataDir: lab.options.dataDir, identity: () => services.identity, timeline: lab.timeline, routerAt: (address: string) => lab.routerAtPublicAddress(address) };
  services.mail = await startMailServices(mailDependencies, issueTime);

  return services;
}
