/**
 * Odd input to the provider sites, as a broken client or a curious trainee sends it: repeated
 * parameters, JSON instead of a form, missing fields, long values. Every reply is a client error
 * in the provider's own format, never a server error.
 */
import type { Lab } from '../../../emulator';
import { startTestLab } from '../../helpers/lab';
import { proxyFetch, REDIRECT_URI, TENANT_ID } from './identityLab';

let lab: Lab;
let fetchThroughLab: typeof fetch;

beforeAll(async () => {
  lab = await startTestLab();
  fetchThroughLab = proxyFetch(lab);
});

afterAll(async () => {
  await lab.stop();
});

const LONG = 'x'.repeat(20_000);

test.each([
  ['authorize repeated client_id', `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize?client_id=a&client_id=b`],
  ['authorize long tenant', `https://login.microsoftonline.com/${LONG.slice(0, 2000)}/oauth2/v2.0/authorize`],
  ['authorize nested query', `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize?client_id[a]=1`],
  ['discovery unknown tenant', 'https://login.microsoftonline.com/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration'],
  ['error lookup', 'https://login.microsoftonline.com/error?code=nonsense'],
  ['unknown path', 'https://login.microsoftonline.com/favicon.ico'],
  ['google repeated client_id', 'https://accounts.google.com/o/oauth2/v2/auth?client_id=a&client_id=b'],
  ['google long scope', `https://accounts.google.com/o/oauth2/v2/auth?client_id=a&scope=${LONG}`],
  ['tokeninfo without token', 'https://oauth2.googleapis.com/tokeninfo'],
  ['cloud console unknown project', 'https://console.cloud.google.com/apis/credentials?project=nope'],
  ['admin center page', 'https://entra.microsoft.com/app-registrations/%E0%A4%A'],
])('GET %s', async (_name, url) => {
  const reply = await fetchThroughLab(url);
  expect(reply.status).toBeGreaterThanOrEqual(200);
  expect(reply.status).toBeLessThan(500);
});

test.each([
  ['token as JSON', `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, 'application/json', '{"grant_type":"client_credentials"}'],
  ['token repeated grant_type', `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, 'application/x-www-form-urlencoded', 'grant_type=a&grant_type=b'],
  ['token long code', `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, 'application/x-www-form-urlencoded', `grant_type=authorization_code&client_id=x&code=${LONG}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`],
  ['token bad percent-encoding', `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, 'application/x-www-form-urlencoded', 'grant_type=%E0%A4%A'],
  ['login without flow', `https://login.microsoftonline.com/${TENANT_ID}/login`, 'application/x-www-form-urlencoded', 'step=password'],
  ['consent without flow', `https://login.microsoftonline.com/${TENANT_ID}/Consent/Set`, 'application/x-www-form-urlencoded', 'decision=accept'],
  ['google token as JSON', 'https://oauth2.googleapis.com/token', 'application/json', '{"grant_type":"refresh_token"}'],
  ['google sign-in without flow', 'https://accounts.google.com/o/oauth2/v2/signin', 'application/x-www-form-urlencoded', 'step=password'],
  ['google consent without flow', 'https://accounts.google.com/o/oauth2/v2/consent', 'application/x-www-form-urlencoded', 'decision=allow'],
  ['google revoke empty', 'https://oauth2.googleapis.com/revoke', 'application/x-www-form-urlencoded', ''],
  ['admin sign-in empty', 'https://entra.microsoft.com/signin', 'application/x-www-form-urlencoded', ''],
  ['cloud sign-in empty', 'https://console.cloud.google.com/signin', 'application/x-www-form-urlencoded', ''],
])('POST %s', async (_name, url, contentType, body) => {
  const reply = await fetchThroughLab(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  expect(reply.status).toBeGreaterThanOrEqual(200);
  expect(reply.status).toBeLessThan(500);
});
