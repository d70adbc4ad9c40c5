/**
 * google-auth-library's OAuth2Client, a third-party client, against the emulated Google
 * identity service: authorization code with PKCE, refresh, token info and revocation, through the
 * lab's Internet proxy with only the lab CA trusted.
 */
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import type { Lab } from '../../../emulator';
import { SEED_ACCOUNTS } from '../../../emulator/services/google/seed';
import { LabBrowser } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { createGoogleClient, GMAIL_SCOPE, googleSignIn, identity, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams } from './identityLab';

const ALERTS = SEED_ACCOUNTS[1]!;
let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

function oauthClient(clientId: string, clientSecret: string): OAuth2Client {
  // gaxios would load node-fetch with a dynamic import, which Jest cannot run; the lab's fetch
  // carries the same requests through the lab proxy.
  return new OAuth2Client({ clientId, clientSecret, redirectUri: REDIRECT_URI, transporterOptions: { fetchImplementation: proxyFetch(lab) } });
}

test('OAuth2Client redeems code and refreshes', async () => {
  const { clientId, clientSecret } = await createGoogleClient(lab);
  const client = oauthClient(clientId, clientSecret);
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const authorizeUrl = client.generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope: [GMAIL_SCOPE], state: 'google-state', code_challenge: codeChallenge, code_challenge_method: CodeChallengeMethod.S256 });
  expect(authorizeUrl.startsWith('https://accounts.google.com/o/oauth2/v2/auth?')).toBe(true);

  const params = redirectParams(await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, ALERTS));
  expect(params.get('state')).toBe('google-state');
  expect(params.get('scope')).toBe(GMAIL_SCOPE);

  const { tokens } = await client.getToken({ code: params.get('code')!, codeVerifier });
  expect(tokens.token_type).toBe('Bearer');
  expect(tokens.scope).toBe(GMAIL_SCOPE);
  expect(tokens.refresh_token).toMatch(/^1\/\/0/);
  expect(tokens.access_token).toMatch(/^ya29\./);
  expect(tokens.expiry_date).toBeDefined();

  const verification = await identity(lab).verifyAccessToken('google', tokens.access_token!, lab.clock.now());
  expect(verification).toMatchObject({ ok: true, claims: { user: ALERTS.email, clientId, scopes: [GMAIL_SCOPE] } });

  const refreshing = oauthClient(clientId, clientSecret);
  refreshing.setCredentials({ refresh_token: tokens.refresh_token });
  const refreshed = await refreshing.getAccessToken();
  expect(refreshed.token).toMatch(/^ya29\./);
  expect(refreshed.token).not.toBe(tokens.access_token);
  // Google's refresh tokens do not rotate: the reply carries none, so the library keeps the one it has.
  expect(refreshed.res?.data.refresh_token).toBe(tokens.refresh_token);

  const info = await refreshing.getTokenInfo(refreshed.token!);
  expect(info.email).toBe(ALERTS.email);
  expect(info.aud).toBe(clientId);
  expect(info.scopes).toEqual([GMAIL_SCOPE]);
});

test('OAuth2Client revokes the grant', async () => {
  const { clientId, clientSecret } = await createGoogleClient(lab, 'Vigor router revoke');
  const client = oauthClient(clientId, clientSecret);
  const authorizeUrl = client.generateAuthUrl({ access_type: 'offline', scope: [GMAIL_SCOPE] });
  const code = redirectParams(await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, ALERTS)).get('code')!;
  const { tokens } = await client.getToken(code);

  await client.revokeToken(tokens.refresh_token!);
  const refreshing = oauthClient(clientId, clientSecret);
  refreshing.setCredentials({ refresh_token: tokens.refresh_token });
  await expect(refreshing.getAccessToken()).rejects.toThrow('invalid_grant');
  const verification = await identity(lab).verifyAccessToken('google', tokens.access_token!, lab.clock.now());
  expect(verification).toMatchObject({ ok: false, reason: 'revoked' });
});
