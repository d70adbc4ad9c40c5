/**
 * The steps of the OAuth mail flow as the guided walkthrough checks them, in the order a trainee
 * does them (docs/training.md). Microsoft and Google share the step ids; some titles differ.
 */

export const WALKTHROUGH_PROVIDERS = ['microsoft', 'google'] as const;
export type WalkthroughProvider = (typeof WALKTHROUGH_PROVIDERS)[number];

export const STEP_IDS = ['ddns', 'wanHttps', 'app', 'secret', 'permissions', 'consent', 'redirectUri', 'authorized', 'testMail', 'alertRule', 'wanHttpsOff', 'alertAfterClose'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** `todo`: not reached yet; `failed`: the lab shows an error for it; `done`: the lab state proves it. */
export type StepStatus = 'done' | 'failed' | 'todo';

export interface StepResult {
  id: StepId;
  title: string;
  status: StepStatus;
  /** The state the check found, or the action that comes next. */
  detail: string;
  /** For a failed step: the likely cause and what to do, from the error catalogues. */
  cause?: string;
}

const TITLES: Record<WalkthroughProvider, Record<StepId, string>> = {
  microsoft: {
    ddns: 'DrayDDNS active and resolving',
    wanHttps: 'HTTPS from the Internet on port 443',
    app: 'App registered in the tenant',
    secret: 'Client secret created',
    permissions: 'API permissions SMTP.Send and offline_access added',
    consent: 'Admin consent granted',
    redirectUri: 'Redirect URI registered',
    authorized: 'Mail profile authorized',
    testMail: 'Test e-mail received',
    alertRule: 'Notification object and alert rule set',
    wanHttpsOff: 'HTTPS from the Internet off again',
    alertAfterClose: 'Alert delivered after HTTPS was closed',
  },
  google: {
    ddns: 'DrayDDNS active and resolving',
    wanHttps: 'HTTPS from the Internet on port 443',
    app: 'OAuth client created in the project',
    secret: 'Client secret created',
    permissions: 'Gmail scope https://mail.google.com/ granted',
    consent: 'Consent screen lets the sender in (test user or published)',
    redirectUri: 'Authorized redirect URI registered',
    authorized: 'Mail profile authorized',
    testMail: 'Test e-mail received',
    alertRule: 'Notification object and alert rule set',
    wanHttpsOff: 'HTTPS from the Internet off again',
    alertAfterClose: 'Alert delivered after HTTPS was closed',
  },
};

export function stepTitle(provider: WalkthroughProvider, id: StepId): string {
  return TITLES[provider][id];
}

export function isWalkthroughProvider(value: string): value is WalkthroughProvider {
  return (WALKTHROUGH_PROVIDERS as readonly string[]).includes(value);
}
