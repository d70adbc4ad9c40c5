/**
 * The identity providers and the emulated SMTP servers together. nodemailer sends a token from the
 * emulated Entra ID or Google over XOAUTH2 to the emulated Exchange Online or Gmail through the
 * lab's port forward. The server accepts it, and rejects it after the grant is revoked or SMTP AUTH
 * is switched off.
 */
import nodemailer from 'nodemailer';
import type { Lab } from '../../../emulator';
import { SEED_ACCOUNTS } from '../../../emulator/services/google/seed';
import { LabBrowser } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { ALERTS, createGoogleClient, createMailApp, GMAIL_SCOPE, googleSignIn, labApi, microsoftSignIn, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams, SMTP_SCOPE, TENANT_ID } from './identityLab';

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

function send(host: string, user: string, accessToken: string): Promise<unknown> {
  const forward = lab.ready().forwards.find((entry) => entry.host === host && entry.port === 587)!;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: forward.localPort, secure: false, requireTLS: true, tls: { servername: host, ca: lab.ca.caPem() }, auth: { type: 'OAuth2', user, accessToken } });
  return transport.sendMail({ from: user, to: user, subject: 'Lab alert', text: 'WAN1 is down' });
}

test('Entra token sends through Exchange', async () => {
  const app = await createMailApp(lab);
  const url = `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: app.appId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: `${SMTP_SCOPE} offline_access` })}`;
  const code = redirectParams(await microsoftSignIn(new LabBrowser(proxyAgent(lab)), url, ALERTS)).get('code')!;
  const reply = await proxyFetch(lab)(`https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI }) });
  const { access_token: accessToken } = (await reply.json()) as { access_token: string };

  await expect(send('smtp.office365.com', ALERTS.userPrincipalName, accessToken)).resolves.toBeDefined();
  await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/smtp-auth`).send({ enabled: false }).expect(200);
  await expect(send('smtp.office365.com', ALERTS.userPrincipalName, accessToken)).rejects.toThrow(/535/);
  await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/smtp-auth`).send({ enabled: null }).expect(200);
});

test('Google token sends through Gmail', async () => {
  const account = SEED_ACCOUNTS[1]!;
  const client = await createGoogleClient(lab);
  const url = `https://accounts.google.com/o/oauth2/v2/auth?${new URLSearchParams({ client_id: client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: GMAIL_SCOPE, access_type: 'offline' })}`;
  const code = redirectParams(await googleSignIn(new LabBrowser(proxyAgent(lab)), url, account)).get('code')!;
  const reply = await proxyFetch(lab)('https://oauth2.googleapis.com/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: REDIRECT_URI }) });
  const { access_token: accessToken } = (await reply.json()) as { access_token: string };

  await expect(send('smtp.gmail.com', account.email, accessToken)).resolves.toBeDefined();
  await labApi(lab).delete(`/api/identity/google/accounts/${account.email}/grants/${client.clientId}`).expect(204);
  await expect(send('smtp.gmail.com', account.email, accessToken)).rejects.toThrow(/535/);
});
