/**
 * Values for the fault catalogue's parameters that aim a fault at one router's trainee. They are
 * the router's class-lab tenant and Google project, the alerts account its mail is sent as and its
 * DrayDDNS account. Once its mail profile names an app of its tenant, they also name that app and
 * the client secret the profile contains. The fault page fills its fields from these values, and
 * GET /api/routers/{id}/fault-parameters returns them.
 */
import type { Lab } from '../lab';
import type { RouterDevice } from '../router';
import { PROVIDERS } from '../services/ddns/providers';
import { routerIdentity } from '../services/identity/classLab';
import { matchesSha256 } from '../services/identity/credentials';
import { IdentityProviders } from '../services/identity/providers';

/** Parameter values by parameter name; `appId` and `secretId` are empty until the router's profile names an app. */
export type FaultParameterValues = Record<'router' | 'tenant' | 'user' | 'appId' | 'secretId' | 'project' | 'provider' | 'account', string>;

/** The provider whose account the catalogue's DDNS faults name, because the OAuth relay needs a DrayDDNS name. */
const DDNS_PROVIDER = PROVIDERS.find((provider) => provider.id === 'drayddns')!;

export function faultParameterValues(lab: Lab, router: RouterDevice): FaultParameterValues {
  const identity = routerIdentity(router.id);
  return {
    router: router.id,
    tenant: identity.microsoft.domain,
    user: identity.microsoft.alerts.address,
    ...profileApp(lab, router, identity.microsoft.tenantId),
    project: identity.google.projectId,
    provider: DDNS_PROVIDER.id,
    account: DDNS_PROVIDER.seed(router.id).username,
  };
}

/**
 * Returns the app that the router's first Microsoft OAuth 2.0 mail profile names, when the app is
 * registered in the router's tenant, and the ID of the app's secret whose value the profile contains.
 */
function profileApp(lab: Lab, router: RouterDevice, tenantId: string): { appId: string; secretId: string } {
  const none = { appId: '', secretId: '' };
  const identity = lab.services?.identity;
  if (!(identity instanceof IdentityProviders) || router.firmware.state !== 'running') return none;

  const profile = router.firmware.mail.profiles().find((candidate) => candidate.name !== '' && candidate.auth === 'oauth2' && candidate.oauth.provider === 'microsoft' && candidate.oauth.clientId !== '');
  const app = profile ? identity.microsoft.tenants.find(tenantId)?.applications.find((candidate) => candidate.appId === profile.oauth.clientId) : undefined;
  if (!profile || !app) return none;

  const secret = app.secrets.find((candidate) => matchesSha256(candidate.hash, profile.oauth.clientSecret));
  return { appId: app.appId, secretId: secret?.keyId ?? '' };
}
