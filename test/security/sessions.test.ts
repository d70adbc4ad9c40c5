/**
 * Session hardening of the web UI: CSRF protection on every form a logged-in administrator can
 * post, session fixation, and the flags of the session cookie over HTTP and HTTPS.
 */
import request from 'supertest';
import type { Lab } from '../../emulator';
import type { ConfigDocument } from '../../firmware';
import { sessionCookieName } from '../../webui/sessions';
import { formBody, pageText, submittedPairs } from '../helpers/htmlForms';
import { csrfTokenOf, loginAgent, pageToken, routerOrigin, startTestLab } from '../helpers/lab';
import { blockSource, discoverPostForms, postPageUrls, showEveryForm, type PostForm } from '../helpers/postRoutes';

type Agent = ReturnType<typeof request.agent>;

let lab: Lab;
let url: string;
let httpsUrl: string;
let cookieName: string;

beforeAll(async () => {
  lab = await startTestLab();
  url = routerOrigin(lab);
  httpsUrl = lab.router('r1')!.lanHttpsUrl.replace(/\/$/, '');
  cookieName = sessionCookieName(lab.router('r1')!.hardware.board.serialNumber);
});

afterAll(async () => {
  await lab.stop();
});

function setCookies(response: request.Response): string[] {
  return (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

/** Returns the value the router set for its session cookie, ignoring the cookie that clears the old one. */
function sessionIdSet(response: request.Response): string | undefined {
  const cookie = setCookies(response).find((entry) => entry.startsWith(`${cookieName}=`) && !/Expires=Thu, 01 Jan 1970/i.test(entry));
  return cookie ? cookie.slice(cookieName.length + 1).split(';')[0] : undefined;
}

function withSession(test: request.Test, sessionId: string): request.Test {
  return test.set('Cookie', `${cookieName}=${sessionId}`);
}

describe('CSRF on every form', () => {
  let admin: Agent;
  let other: Agent;
  let forms: PostForm[];
  let validBackup: string;

  beforeAll(async () => {
    const firmware = lab.router('r1')!.firmware;
    await showEveryForm(firmware);
    validBackup = JSON.stringify(firmware.exportBackup());
    admin = await loginAgent(url);
    other = await loginAgent(url);
    forms = await discoverPostForms(admin);
  });

  test('every post route has a form', () => {
    expect(new Set(forms.map((entry) => entry.form.action))).toEqual(new Set(postPageUrls()));
  });

  /** How a forged post gets its token: none, a made-up one, or a real one of another session. */
  const forgeries: [string, () => Promise<string | undefined>][] = [
    ['missing token', async () => undefined],
    ['wrong token', async () => 'x'.repeat(32)],
    ['token of another session', async () => pageToken(other, '/dashboard')],
    ['token of a logged-out page', async () => csrfTokenOf((await request(url).get('/login')).text)],
  ];

  test.each(forgeries)('%s is rejected on every form', async (_label, forgedToken) => {
    const firmware = lab.router('r1')!.firmware;
    for (const { form, foundOn } of forms) {
      blockSource(firmware);
      const before: ConfigDocument = firmware.store.document();
      const blockedBefore = firmware.management.bruteForce.blocked().length;
      const token = await forgedToken();
      const pairs = submittedPairs(form).filter(([name]) => name !== '_csrf');
      if (token !== undefined) pairs.unshift(['_csrf', token]);

      let post = admin.post(form.action);
      if (form.multipart) {
        for (const [name, value] of pairs) post = post.field(name, value);
        post = post.attach('backupFile', Buffer.from(validBackup), 'backup.cfg');
      } else {
        post = post.type('form').send(new URLSearchParams(pairs).toString());
      }
      const response = await post;

      const where = `form of ${foundOn} posting to ${form.action}`;
      expect({ where, status: response.status }).toEqual({ where, status: 403 });
      expect(pageText(response.text)).toContain('security token is missing or out of date');
      expect({ where, unchanged: firmware.store.document() }).toEqual({ where, unchanged: before });
      expect({ where, blocked: firmware.management.bruteForce.blocked().length }).toEqual({ where, blocked: blockedBefore });
      expect({ where, state: firmware.state }).toEqual({ where, state: 'running' });
    }
    // The forged posts left the administrator's own session alone.
    await admin.get('/dashboard').expect(200);
  });

  test('form with the right token is accepted', async () => {
    const management = forms.find((entry) => entry.form.action === '/system-maintenance/management' && entry.form.fields.some((field) => field.name === 'routerName'))!;
    const token = await pageToken(admin, '/system-maintenance/management');

    const response = await admin.post(management.form.action).type('form').send(formBody(management.form, { _csrf: token, routerName: 'With-Token' }));

    expect(response.status).toBe(303);
    expect(lab.router('r1')!.firmware.management.routerName()).toBe('With-Token');
  });

  test('logout without token keeps the session', async () => {
    const response = await admin.post('/logout').type('form').send({});

    expect(response.status).toBe(403);
    await admin.get('/dashboard').expect(200);
  });
});

describe('session fixation', () => {
  test('login replaces a planted session id', async () => {
    // The attacker fetches the login page and plants its session cookie in the victim's browser.
    const attackerPage = await request(url).get('/login').expect(200);
    const planted = sessionIdSet(attackerPage)!;
    expect(planted).toBeDefined();

    const login = await withSession(request(url).post('/login').type('form'), planted).send({ _csrf: csrfTokenOf(attackerPage.text), username: 'admin', password: 'admin' });
    expect(login.status).toBe(303);
    const issued = sessionIdSet(login);

    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    expect((await withSession(request(url).get('/dashboard'), planted)).status).toBe(302);
    expect((await withSession(request(url).get('/dashboard'), issued!)).status).toBe(200);
  });

  test('invented session id is never adopted', async () => {
    const invented = 'attacker-chosen-session-id-000000';

    const page = await withSession(request(url).get('/login'), invented).expect(200);
    const preLogin = sessionIdSet(page);
    const login = await withSession(request(url).post('/login').type('form'), preLogin!).send({ _csrf: csrfTokenOf(page.text), username: 'admin', password: 'admin' });

    expect(preLogin).not.toBe(invented);
    expect(sessionIdSet(login)).not.toBe(invented);
    expect((await withSession(request(url).get('/dashboard'), invented)).status).toBe(302);
  });

  test('logged-out session id stays dead', async () => {
    const page = await request(url).get('/login');
    const login = await withSession(request(url).post('/login').type('form'), sessionIdSet(page)!).send({ _csrf: csrfTokenOf(page.text), username: 'admin', password: 'admin' });
    const sessionId = sessionIdSet(login)!;
    const dashboard = await withSession(request(url).get('/dashboard'), sessionId).expect(200);
    const token = csrfTokenOf(dashboard.text);

    await withSession(request(url).post('/logout').type('form'), sessionId).send({ _csrf: token }).expect(303);

    expect((await withSession(request(url).get('/dashboard'), sessionId)).status).toBe(302);
    const replay = await withSession(request(url).post('/system-maintenance/reboot-system').type('form'), sessionId).send({ _csrf: token, rebootMode: 'current' });
    expect(replay.status).toBe(401);
    expect(lab.router('r1')!.firmware.state).toBe('running');
  });

  test('session id in the URL is ignored', async () => {
    const page = await request(url).get('/login');
    const login = await withSession(request(url).post('/login').type('form'), sessionIdSet(page)!).send({ _csrf: csrfTokenOf(page.text), username: 'admin', password: 'admin' });
    const sessionId = sessionIdSet(login)!;

    const response = await request(url).get(`/dashboard?${cookieName}=${sessionId}`);

    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/login');
  });

  test('reboot ends every session', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/reboot-system');
    await agent.post('/system-maintenance/reboot-system').type('form').send({ _csrf: token, rebootMode: 'current' }).expect(200);
    const firmware = lab.router('r1')!.firmware;
    for (let wait = 0; wait < 100 && firmware.state !== 'running'; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(firmware.state).toBe('running');
    expect((await agent.get('/dashboard')).status).toBe(302);
  });
});

describe('session cookie flags', () => {
  /** Returns the attributes of a Set-Cookie header, lower-cased, without the name and value. */
  function attributes(setCookie: string): string[] {
    return setCookie
      .split(';')
      .slice(1)
      .map((part) => part.trim().toLowerCase());
  }

  async function cookiesOf(origin: string, secure: boolean): Promise<{ preLogin: string; loggedIn: string }> {
    const get = request(origin).get('/login');
    const page = await (secure ? get.disableTLSCerts() : get).expect(200);
    const preLogin = setCookies(page).find((entry) => entry.startsWith(`${cookieName}=`))!;
    const post = withSession(request(origin).post('/login').type('form'), sessionIdSet(page)!);
    const login = await (secure ? post.disableTLSCerts() : post).send({ _csrf: csrfTokenOf(page.text), username: 'admin', password: 'admin' });
    expect(login.status).toBe(303);
    const loggedIn = setCookies(login).find((entry) => entry.startsWith(`${cookieName}=`) && !/Expires=Thu, 01 Jan 1970/i.test(entry))!;
    return { preLogin, loggedIn };
  }

  test('HTTP cookies are HttpOnly and SameSite=Strict', async () => {
    const { preLogin, loggedIn } = await cookiesOf(url, false);

    for (const cookie of [preLogin, loggedIn]) {
      expect(attributes(cookie)).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
      // Plain HTTP: a Secure cookie would not be stored by the browser.
      expect(attributes(cookie)).not.toContain('secure');
      expect(attributes(cookie).some((entry) => entry.startsWith('domain=') || entry.startsWith('expires=') || entry.startsWith('max-age='))).toBe(false);
    }
  });

  test('HTTPS cookies are also Secure', async () => {
    const { preLogin, loggedIn } = await cookiesOf(httpsUrl, true);

    for (const cookie of [preLogin, loggedIn]) {
      expect(attributes(cookie)).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/', 'secure']));
    }
  });
});
