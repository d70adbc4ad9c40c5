/**
 * Starts the emulated identity providers of a lab: loads or creates their keys and state under
 * `<data>/lab/` (in memory for an ephemeral lab) and serves their sites on the lab Internet.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RequestListener } from 'node:http';
import type { Lab } from '../../lab';
import { serviceHostByName } from '../../network/hosts';
import { createAccountsSite, createOAuth2Site } from '../google/sites';
import { createCloudConsole } from '../google/console/consoleSite';
import { GoogleIdentity } from '../google/googleIdentity';
import { createAdminCenter } from '../microsoft/admin/adminSite';
import { EntraId } from '../microsoft/entra';
import { createLoginSite } from '../microsoft/loginSite';
import { Site } from '../serve';
import { seedClassLab } from './classLab';
import { loadIdentityKeys } from './keys';
import { recordOAuthExchanges, type OAuthRecorderOptions } from './timelineRecorder';
import { IdentityProviders } from './providers';

/** Endpoints of each identity provider site whose requests the timeline records. */
const MICROSOFT_STEPS: OAuthRecorderOptions['steps'] = [
  { path: /^\/[^/]+\/oauth2\/v2\.0\/authorize$/, step: 'authorize' },
  { path: /^\/[^/]+\/login$/, step: 'sign-in' },
  { path: /^\/[^/]+\/Consent\/Set$/, step: 'consent' },
  { path: /^\/[^/]+\/oauth2\/v2\.0\/token$/, step: 'token' },
];
const GOOGLE_ACCOUNTS_STEPS: OAuthRecorderOptions['steps'] = [
  { path: /^\/o\/oauth2\/(v2\/)?auth$/, step: 'authorize' },
  { path: /^\/o\/oauth2\/v2\/signin$/, step: 'sign-in' },
  { path: /^\/o\/oauth2\/v2\/consent$/, step: 'consent' },
];
const GOOGLE_TOKEN_STEPS: OAuthRecorderOptions['steps'] = [
  { path: /^\/token$/, step: 'token' },
  { path: /^\/revoke$/, step: 'revoke' },
];

export async function startIdentity(lab: Lab, sites: Site[]): Promise<IdentityProviders> {
  const labDir = lab.options.dataDir ? path.join(lab.options.dataDir, 'lab') : null;
  if (labDir) mkdirSync(labDir, { recursive: true });
  const now = () => lab.clock.now();
  const logger = lab.logger.child({ service: 'identity' });

  const keys = await loadIdentityKeys(labDir, now(), logger);
  const microsoft = await EntraId.open(labDir, now, keys, logger);
  const google = await GoogleIdentity.open(labDir, now, keys, logger);
  await seedClassLab(microsoft, google, Array.from({ length: lab.options.routers }, (_, index) => `r${index + 1}`), logger);

  const recorded = (host: string, handler: RequestListener, steps: OAuthRecorderOptions['steps']) =>
    recordOAuthExchanges(handler, { timeline: lab.timeline, routerAt: (address) => lab.routerAtPublicAddress(address), host, steps });
  const hosts: [string, RequestListener][] = [
    ['login.microsoftonline.com', recorded('login.microsoftonline.com', createLoginSite(microsoft), MICROSOFT_STEPS)],
    ['entra.microsoft.com', createAdminCenter(microsoft)],
    ['accounts.google.com', recorded('accounts.google.com', createAccountsSite(google), GOOGLE_ACCOUNTS_STEPS)],
    ['oauth2.googleapis.com', recorded('oauth2.googleapis.com', createOAuth2Site(google), GOOGLE_TOKEN_STEPS)],
    ['console.cloud.google.com', createCloudConsole(google)],
  ];
  // Certificates must be valid for real clients too, whose clock is the host's, not the lab's.
  const issueTime = new Date(Math.min(lab.clock.now(), Date.now()));
  for (const [name, handler] of hosts) {
    const host = serviceHostByName(name);
    if (!host) throw new Error(`${name} is missing from the lab's service hosts`);
    sites.push(await Site.start(lab.internet, lab.ca, issueTime, { names: [name], address: host.address, httpsPort: 443, service: name }, handler));
  }
  logger.info({ hosts: hosts.map(([name]) => name) }, 'Identity providers started');
  return new IdentityProviders(microsoft, google);
}
