/**
 * The emulated dyndns2 providers as data: where each serves its update endpoint, which domains its
 * hostnames live under, what the lab seeds for every router, and its abuse limit.
 */

export type ProviderId = 'drayddns' | 'dyndns';

export interface SeedAccount {
  username: string;
  password: string;
  hostname: string;
}

export interface ProviderDefinition {
  id: ProviderId;
  name: string;
  /** Service host (in SERVICE_HOSTS) that serves `/nic/update` over HTTP on 80 and HTTPS on 443. */
  updateHost: string;
  /** Hostnames are one label under one of these domains. */
  domains: string[];
  /** Account and hostname the lab creates for each router, so every trainee has one. */
  seed(routerId: string): SeedAccount;
  /** Whether the provider issues certificates for its hostnames (`POST /api/v1/certificate`). */
  issuesCertificates: boolean;
  /**
   * Abuse detection: a hostname that already got `nochgLimit` nochg replies within `windowMs` of lab
   * time is blocked on the next nochg and gets `abuse` from then on. Dyn blocked hosts for
   * "repeated" nochg without publishing a number, so these figures are the lab's choice.
   */
  abuse: { nochgLimit: number; windowMs: number };
}

const HOUR_MS = 60 * 60 * 1000;

export const PROVIDERS: ProviderDefinition[] = [
  {
    id: 'drayddns',
    name: 'DrayDDNS',
    // NOTE: the update host of the real DrayDDNS is not documented publicly; the lab serves the
    // updates on the provider's own name.
    updateHost: 'drayddns.com',
    domains: ['drayddns.com'],
    seed: (routerId) => ({ username: `${routerId}-trainee`, password: `${routerId}-ddns-pass`, hostname: `${routerId}.drayddns.com` }),
    issuesCertificates: true,
    abuse: { nochgLimit: 5, windowMs: HOUR_MS },
  },
  {
    id: 'dyndns',
    name: 'Dyn (generic dyndns2)',
    updateHost: 'members.dyndns.org',
    domains: ['homeip.net', 'dyndns.org'],
    seed: (routerId) => ({ username: `${routerId}-dyn`, password: `${routerId}-dyn-pass`, hostname: `${routerId}.homeip.net` }),
    issuesCertificates: false,
    abuse: { nochgLimit: 5, windowMs: HOUR_MS },
  },
];
