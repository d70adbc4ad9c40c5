/**
 * Service providers of the Dynamic DNS Setup page, with their dyndns2 update URLs. DrayDDNS and
 * dyn.com are emulated by the lab; the others are listed as on a Vigor and reach their real host
 * names, which the lab DNS does not know, so they fail as NXDOMAIN there.
 */

export interface DdnsProvider {
  id: string;
  name: string;
  /** Host that serves `/nic/update`. */
  updateHost: string;
  /** DrayDDNS hostnames are `<name>.drayddns.com`; the others take the whole host name. */
  domainSuffix?: string;
  /** Whether the provider issues a certificate for the hostname (DrayDDNS, standing in for Let's Encrypt). */
  issuesCertificates: boolean;
}

export const DDNS_PROVIDERS: DdnsProvider[] = [
  { id: 'drayddns', name: 'DrayDDNS', updateHost: 'drayddns.com', domainSuffix: 'drayddns.com', issuesCertificates: true },
  { id: 'dyndns', name: 'Dyn DNS (dyn.com)', updateHost: 'members.dyndns.org', issuesCertificates: false },
  { id: 'noip', name: 'No-IP (www.noip.com)', updateHost: 'dynupdate.no-ip.com', issuesCertificates: false },
  { id: 'changeip', name: 'ChangeIP (changeip.com)', updateHost: 'nic.changeip.com', issuesCertificates: false },
  { id: 'user-defined', name: 'User-Defined', updateHost: '', issuesCertificates: false },
];

export const PROVIDER_IDS = DDNS_PROVIDERS.map((provider) => provider.id);

export function providerById(id: string): DdnsProvider {
  const provider = DDNS_PROVIDERS.find((entry) => entry.id === id);
  if (!provider) throw new RangeError(`Unknown DDNS provider "${id}"`);
  return provider;
}
