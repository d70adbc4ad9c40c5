/**
 * The emulated DDNS providers (DrayDDNS and a generic dyndns2 provider): their stores, seed
 * accounts, DNS records and sites. The lab API and the console reach them through `services.ddns`.
 */
import path from 'node:path';
import type { Lab } from '../../lab';
import { serviceHostByName } from '../../network/hosts';
import { Site } from '../serve';
import { DdnsProvider } from './provider';
import { PROVIDERS, type ProviderId } from './providers';
import { createProviderApp } from './site';
import { DdnsStore } from './store';

export interface DdnsServices {
  providers: DdnsProvider[];
  provider(id: string): DdnsProvider | undefined;
  /** Resolves once every provider's pending writes have reached its file. */
  flush(): Promise<void>;
}

/**
 * Opens every provider's store under `<data>/lab/ddns/` (memory for an ephemeral lab), seeds an
 * account and hostname per router, publishes the stored addresses in the lab DNS and starts the
 * providers' sites. The sites are added to `sites`, whose owner closes them.
 */
export async function startDdns(lab: Lab, sites: Site[], issueTime: Date): Promise<DdnsServices> {
  const dir = lab.options.dataDir ? path.join(lab.options.dataDir, 'lab', 'ddns') : null;
  const routerIds = Array.from({ length: lab.options.routers }, (_, index) => `r${index + 1}`);
  const providers: DdnsProvider[] = [];

  for (const definition of PROVIDERS) {
    const store = DdnsStore.open(dir, definition.id);
    const provider = new DdnsProvider(definition, store, await store.read(), {
      dns: lab.dns,
      clock: lab.clock,
      logger: lab.logger,
      isServiceName: (name) => serviceHostByName(name) !== undefined,
    });
    await provider.seedRouters(routerIds);
    provider.publishRecords();
    providers.push(provider);

    const host = serviceHostByName(definition.updateHost);
    if (!host) throw new Error(`DDNS provider ${definition.id} names the update host ${definition.updateHost}, which is not in SERVICE_HOSTS`);
    const app = createProviderApp(provider, { ca: lab.ca, clock: lab.clock, dns: lab.dns, logger: lab.logger, timeline: lab.timeline, routerAt: (address) => lab.routerAtPublicAddress(address) });
    sites.push(await Site.start(lab.internet, lab.ca, issueTime, { names: [host.name], address: host.address, httpPort: 80, httpsPort: 443, service: `ddns ${definition.id}` }, app));
  }

  return {
    providers,
    provider: (id: string) => providers.find((provider) => provider.id === (id as ProviderId)),
    flush: async () => {
      await Promise.all(providers.map((provider) => provider.flush()));
    },
  };
}
