/**
 * The faults a trainer injects, as typed calls to the lab API routes that docs/lab-api.md,
 * docs/identity.md and docs/ddns.md describe. Every call goes through the lab's HTTP API, so it
 * behaves exactly as the same request from curl.
 */
import type { Lab } from '../lab';
import { TENANT_ID } from './identity';
import { labApiRequest } from './labApi';

const MICROSOFT = '/api/identity/microsoft/tenants';
const GOOGLE = '/api/identity/google';

export class LabFaults {
  constructor(private readonly lab: Lab) {}

  /** Pulls (`up: false`) or plugs in (`up: true`) the cable of a router port such as WAN1 or LAN1. */
  setLink(router: string, port: string, up: boolean): Promise<Record<string, unknown>> {
    return this.call('POST', `/api/routers/${encodeURIComponent(router)}/ports/${encodeURIComponent(port)}/link`, { up });
  }

  /** Makes every lab DNS lookup fail with SERVFAIL, or ends that. */
  setDnsFailure(failing: boolean): Promise<Record<string, unknown>> {
    return this.call('POST', '/api/dns/failure', { failing });
  }

  /** Sets faults of a whole DDNS provider, e.g. `{ maintenance: true }` for 911 replies. */
  setDdnsProviderFaults(provider: string, faults: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', `/api/ddns/${encodeURIComponent(provider)}/faults`, faults);
  }

  /** Sets faults of one DDNS account, e.g. `{ passwordChanged: true }` for badauth replies. */
  setDdnsAccountFaults(provider: string, username: string, faults: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', `/api/ddns/${encodeURIComponent(provider)}/accounts/${encodeURIComponent(username)}/faults`, faults);
  }

  /** Ends the validity of an app's client secret now. */
  expireClientSecret(appId: string, secretId: string, tenant = TENANT_ID): Promise<Record<string, unknown>> {
    return this.call('POST', `${MICROSOFT}/${encodeURIComponent(tenant)}/apps/${appId}/secrets/${secretId}/expire`);
  }

  /** Revokes every grant of an app in the tenant (Enterprise applications >> Revoke permissions). */
  revokeConsent(appId: string, tenant = TENANT_ID): Promise<Record<string, unknown>> {
    return this.call('DELETE', `${MICROSOFT}/${encodeURIComponent(tenant)}/enterprise-apps/${appId}/consent`);
  }

  /** Revokes a user's sessions and refresh tokens. */
  revokeSessions(user: string, tenant = TENANT_ID): Promise<Record<string, unknown>> {
    return this.call('POST', `${MICROSOFT}/${encodeURIComponent(tenant)}/users/${encodeURIComponent(user)}/revoke-sessions`);
  }

  /** Switches SMTP AUTH for the tenant, or for one mailbox when `user` is given (`null` follows the tenant). */
  setSmtpAuth(enabled: boolean | null, options: { tenant?: string; user?: string } = {}): Promise<Record<string, unknown>> {
    const tenant = encodeURIComponent(options.tenant ?? TENANT_ID);
    if (options.user) return this.call('POST', `${MICROSOFT}/${tenant}/users/${encodeURIComponent(options.user)}/smtp-auth`, { enabled });
    if (enabled === null) throw new RangeError('SMTP AUTH of a tenant is on or off; null applies to a mailbox only');
    return this.call('POST', `${MICROSOFT}/${tenant}/smtp-auth`, { enabled });
  }

  /** Sets the publishing status of a Google project's consent screen. */
  setGooglePublishingStatus(project: string, publishingStatus: 'Testing' | 'In production'): Promise<Record<string, unknown>> {
    return this.call('POST', `${GOOGLE}/projects/${encodeURIComponent(project)}/consent-screen`, { publishingStatus });
  }

  /** Removes an app's access to a Google account, as the user does in the account settings. */
  removeGoogleAccess(email: string, clientId: string): Promise<Record<string, unknown>> {
    return this.call('DELETE', `${GOOGLE}/accounts/${encodeURIComponent(email)}/grants/${encodeURIComponent(clientId)}`);
  }

  /** Any other lab API route, for faults this class has no method for. */
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return labApiRequest(this.lab, method, path, body);
  }
}
