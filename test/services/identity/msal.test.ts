/**
 * @azure/msal-node, a third-party client, against the emulated Entra ID: authorization code
 * with PKCE and state, code redemption, refresh, form_post, and the discovery document and keys
 * through jose. Every request goes through the lab's Internet proxy and trusts only the lab CA.
 */
import { ConfidentialClientApplication, CryptoProvider, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify } from 'jose';
import type { Lab } from '../../../emulator';
import { findForm, LabBrowser } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { ALERTS, createMailApp, identity, microsoftSignIn, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams, SMTP_SCOPE, TENANT_ID } from './identityLab';

let lab: Lab;
let requestedUrls: string[];

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

beforeEach(() => {
  requestedUrls = [];
});

/** Builds msal-node's network client over the lab proxy; it records the URLs msal requests. */
function networkClient(): INetworkModule {
  const fetchThroughLab = proxyFetch(lab);
  const send = async <T>(url: string, method: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    requestedUrls.push(`${method} ${url}`);
    const reply = await fetchThroughLab(url, { method, headers: options?.headers, body: options?.body });
    const text = await reply.text();
    return { headers: Object.fromEntries(reply.headers), body: JSON.parse(text) as T, status: reply.status };
  };
  return { sendGetRequestAsync: (url, options) => send(url, 'GET', options), sendPostRequestAsync: (url, options) => send(url, 'POST', options) };
}

function msalClient(appId: string, secret: string): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    // msal-node 7 has no switch named for instance discovery: listing the host in knownAuthorities
    // makes it trust the authority without asking Microsoft's instance discovery endpoint.
    auth: { clientId: appId, authority: `https://login.microsoftonline.com/${TENANT_ID}`, clientSecret: secret, knownAuthorities: ['login.microsoftonline.com'] },
    system: { networkClient: networkClient() },
  });
}

test('msal redeems code and refreshes', async () => {
  const { appId, secret } = await createMailApp(lab);
  const msal = msalClient(appId, secret);
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();

  const authorizeUrl = await msal.getAuthCodeUrl({ scopes: [SMTP_SCOPE, 'offline_access'], redirectUri: REDIRECT_URI, codeChallenge: challenge, codeChallengeMethod: 'S256', state: 'state-123' });
  const reply = await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, ALERTS);
  const params = redirectParams(reply);
  expect(reply.location!.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  expect(params.get('state')).toBe('state-123');
  const code = params.get('code')!;

  const result = await msal.acquireTokenByCode({ code, scopes: [SMTP_SCOPE], redirectUri: REDIRECT_URI, codeVerifier: verifier });
  const claims = decodeJwt(result.accessToken);
  expect(claims.aud).toBe('https://outlook.office.com');
  expect(claims.scp).toBe('SMTP.Send');
  expect(claims.tid).toBe(TENANT_ID);
  expect(claims.upn).toBe(ALERTS.userPrincipalName);
  expect(claims.appid).toBe(appId);
  const lifetimeMinutes = (Number(claims.exp) * 1000 - lab.clock.now()) / 60_000;
  expect(lifetimeMinutes).toBeGreaterThanOrEqual(60);
  expect(lifetimeMinutes).toBeLessThanOrEqual(90);
  expect(result.account?.username).toBe(ALERTS.userPrincipalName);
  expect(result.tenantId).toBe(TENANT_ID);

  const cache = JSON.parse(msal.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
  const refreshToken = Object.values(cache.RefreshToken)[0]!.secret;
  const refreshed = await msal.acquireTokenByRefreshToken({ refreshToken, scopes: [SMTP_SCOPE] });
  expect(refreshed).not.toBeNull();
  expect(decodeJwt(refreshed!.accessToken).scp).toBe('SMTP.Send');
  const rotated = JSON.parse(msal.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
  expect(Object.values(rotated.RefreshToken)[0]!.secret).not.toBe(refreshToken);

  const silent = await msal.acquireTokenSilent({ account: result.account!, scopes: [SMTP_SCOPE], forceRefresh: true });
  expect(silent.accessToken).not.toBe(refreshed!.accessToken);

  const verification = await identity(lab).verifyAccessToken('microsoft', silent.accessToken, lab.clock.now());
  expect(verification).toMatchObject({ ok: true, claims: { user: ALERTS.userPrincipalName, tenantId: TENANT_ID, clientId: appId } });
  // Only the token endpoint: no instance discovery, no metadata from anywhere else.
  for (const url of requestedUrls) expect(url).toMatch(/^POST https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/oauth2\/v2\.0\/token(\?client-request-id=[0-9a-f-]{36})?$/);
});

test('msal redeems form_post code', async () => {
  const { appId, secret } = await createMailApp(lab, { displayName: 'Vigor mail form_post' });
  const msal = msalClient(appId, secret);
  const authorizeUrl = await msal.getAuthCodeUrl({ scopes: [SMTP_SCOPE, 'offline_access'], redirectUri: REDIRECT_URI, responseMode: 'form_post', state: 'posted' });
  const browser = new LabBrowser(proxyAgent(lab));
  const page = await microsoftSignIn(browser, authorizeUrl, ALERTS);

  expect(page.status).toBe(200);
  const form = findForm(page.text, REDIRECT_URI);
  expect(form.action).toBe(REDIRECT_URI);
  expect(form.hidden.state).toBe('posted');
  const result = await msal.acquireTokenByCode({ code: form.hidden.code!, scopes: [SMTP_SCOPE], redirectUri: REDIRECT_URI });
  expect(decodeJwt(result.accessToken).upn).toBe(ALERTS.userPrincipalName);
});

test('jose verifies token with published keys', async () => {
  const { appId, secret } = await createMailApp(lab, { displayName: 'Vigor mail keys' });
  const msal = msalClient(appId, secret);
  const authorizeUrl = await msal.getAuthCodeUrl({ scopes: [SMTP_SCOPE, 'offline_access', 'openid', 'profile'], redirectUri: REDIRECT_URI });
  const code = redirectParams(await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, ALERTS)).get('code')!;
  const result = await msal.acquireTokenByCode({ code, scopes: [SMTP_SCOPE, 'openid', 'profile'], redirectUri: REDIRECT_URI });

  const fetchThroughLab = proxyFetch(lab);
  const discovery = (await (await fetchThroughLab(`https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration`)).json()) as { jwks_uri: string; issuer: string };
  expect(discovery.issuer).toBe(`https://login.microsoftonline.com/${TENANT_ID}/v2.0`);
  const keys = createRemoteJWKSet(new URL(discovery.jwks_uri), { [customFetch]: fetchThroughLab });
  const idToken = await jwtVerify(result.idToken, keys, { issuer: discovery.issuer, audience: appId, currentDate: lab.clock.date() });
  expect(idToken.payload.preferred_username).toBe(ALERTS.userPrincipalName);
  const accessToken = await jwtVerify(result.accessToken, keys, { issuer: `https://sts.windows.net/${TENANT_ID}/`, audience: 'https://outlook.office.com', currentDate: lab.clock.date() });
  expect(accessToken.payload.oid).toBeDefined();
});
