/**
 * Class labs: every router has its own Microsoft tenant and Google project, r1 keeps the
 * documented seed, seeding is idempotent on a data directory, and the trainer view shows them all.
 */
import request from 'supertest';
import type { Lab } from '../../../emulator';
import { labApiRequest } from '../../../emulator/api/labApi';
import { evaluateWalkthrough } from '../../../emulator/console/walkthrough/evaluate';
import { routerIdentity } from '../../../emulator/services/identity/classLab';
import { SEED_TENANT } from '../../../emulator/services/microsoft/seed';
import { startTestLab, tempDir } from '../../helpers/lab';
import { identity } from './identityLab';

describe('class lab seed', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startTestLab({ routers: 3 });
  });

  afterAll(async () => {
    await lab.stop();
  });

  test('seeds a tenant and project per router', () => {
    const { microsoft, google } = identity(lab);
    expect(microsoft.tenants.list().map((tenant) => tenant.domains[0])).toEqual(['contosolab.onmicrosoft.com', 'contosolabr2.onmicrosoft.com', 'contosolabr3.onmicrosoft.com']);
    expect(google.projects.list().map((project) => project.id)).toEqual(['vigor-mail-lab', 'vigor-mail-lab-r2', 'vigor-mail-lab-r3']);
    expect(google.accounts.find('lab.alerts.r2@gmail.com')).toBeDefined();
    expect(google.projects.find('vigor-mail-lab-r3')!.consentScreen.testUsers).toEqual(['lab.owner.r3@gmail.com', 'lab.alerts.r3@gmail.com']);
  });

  test('r1 keeps the documented seed', () => {
    const r1 = routerIdentity('r1');
    expect(r1.microsoft.tenantId).toBe(SEED_TENANT.id);
    expect(r1.microsoft.alerts.address).toBe('alerts@contosolab.onmicrosoft.com');
    expect(r1.google.alerts.address).toBe('lab.alerts@gmail.com');
    expect(identity(lab).microsoft.tenants.find(SEED_TENANT.id)!.displayName).toBe('Contoso Lab');
  });

  test('r2 users sign in with lab passwords', async () => {
    const r2 = routerIdentity('r2');
    const tenant = identity(lab).microsoft.tenants.find(r2.microsoft.tenantId)!;
    expect(tenant.displayName).toBe('Contoso Lab r2');
    expect(tenant.users.map((user) => user.userPrincipalName)).toEqual(['admin@contosolabr2.onmicrosoft.com', 'alerts@contosolabr2.onmicrosoft.com', 'trainee@contosolabr2.onmicrosoft.com']);
    expect(tenant.users[0]!.globalAdmin).toBe(true);
    expect(await identity(lab).checkPassword('alerts@contosolabr2.onmicrosoft.com', 'Alerts-Lab-2026!')).toBe(true);
    expect(await identity(lab).checkPassword('lab.owner.r2@gmail.com', 'Owner-Lab-2026!')).toBe(true);
  });

  test('r2 app stays out of r1', async () => {
    const r2 = routerIdentity('r2');
    await labApiRequest(lab, 'POST', `/api/identity/microsoft/tenants/${r2.microsoft.domain}/apps`, { displayName: 'Vigor mail r2' });
    expect(identity(lab).microsoft.tenants.find(SEED_TENANT.id)!.applications).toHaveLength(0);
    expect(evaluateWalkthrough(lab, lab.router('r2')!, 'microsoft').steps.find((step) => step.id === 'app')!.status).toBe('done');
    expect(evaluateWalkthrough(lab, lab.router('r1')!, 'microsoft').steps.find((step) => step.id === 'app')!.status).toBe('todo');
  });

  test('API names each router tenant', async () => {
    const api = request(lab.consoleUrl.replace(/\/$/, ''));
    const routers = (await api.get('/api/routers').expect(200)).body.routers;
    expect(routers[1].identity.microsoft.domain).toBe('contosolabr2.onmicrosoft.com');
    expect(routers[1].identity.google.projectId).toBe('vigor-mail-lab-r2');
    expect(JSON.stringify(routers)).not.toContain('Lab-2026!');
    expect(lab.ready().routers[2]!.identity.microsoft.tenantId).toBe(routerIdentity('r3').microsoft.tenantId);
  });

  test('trainer page renders every router', async () => {
    const api = request(lab.consoleUrl.replace(/\/$/, ''));
    const page = await api.get('/trainer?provider=google').expect(200);
    for (const id of ['r1', 'r2', 'r3']) expect(page.text).toContain(`<tr data-router="${id}">`);
    expect(page.text).toContain('0/12');
    expect(page.text).toContain('id="walkthrough-live"');
    const r2 = await api.get('/routers/r2/walkthrough').expect(200);
    expect(r2.text).toContain('contosolabr2.onmicrosoft.com');
    expect(r2.text).toContain('lab.alerts.r2@gmail.com');
  });
});

describe('class lab on a data directory', () => {
  test('seeding is idempotent and grows', async () => {
    const dir = tempDir();
    try {
      let lab = await startTestLab({ routers: 2, dataDir: dir.path });
      await labApiRequest(lab, 'DELETE', `/api/identity/microsoft/tenants/${routerIdentity('r2').microsoft.domain}`);
      await lab.stop();

      lab = await startTestLab({ routers: 3, dataDir: dir.path });
      const domains = identity(lab).microsoft.tenants.list().map((tenant) => tenant.domains[0]);
      // r2's tenant was deleted by the trainer and stays deleted; r3 is new.
      expect(domains).toEqual(['contosolab.onmicrosoft.com', 'contosolabr3.onmicrosoft.com']);
      expect(identity(lab).google.projects.list().map((project) => project.id)).toEqual(['vigor-mail-lab', 'vigor-mail-lab-r2', 'vigor-mail-lab-r3']);
      expect(identity(lab).google.accounts.list()).toHaveLength(9);
      await lab.stop();
    } finally {
      dir.remove();
    }
  });
});
