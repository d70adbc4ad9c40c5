/** Test helpers: a lab on free loopback ports and a logged-in web UI client. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Lab, PortInUseError, type LabOptions } from '../../emulator';

/** Ports each Jest worker draws its labs from, so that parallel workers never pick the same ones. */
const PORTS_PER_WORKER = 4000;

/**
 * A random port base for a test lab, below Linux's ephemeral range (32768 and up), where the lab's
 * own outgoing loopback connections take their ports.
 */
export function randomPortBase(): number {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1') - 1;
  const start = 10_000 + (worker % 5) * PORTS_PER_WORKER;
  // A lab takes about 100 ports plus 10 per router; steps of 200 leave room for a few routers.
  return start + Math.floor(Math.random() * ((PORTS_PER_WORKER - 400) / 200)) * 200;
}

/** Starts a lab on a random port base, retrying when another process uses one of its ports. */
export async function startTestLab(options: LabOptions = {}): Promise<Lab> {
  for (let attempt = 0; ; attempt += 1) {
    const portBase = randomPortBase();
    try {
      return await Lab.start({ dataDir: null, clockMode: 'paused', ...options, portBase });
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= 5) throw error;
    }
  }
}

/** Returns a router's LAN web UI origin without the trailing slash, because supertest appends paths to it. */
export function routerOrigin(lab: Lab, id = 'r1'): string {
  const router = lab.router(id);
  if (!router) throw new Error(`The lab has no router ${id}`);
  return router.lanUrl.replace(/\/$/, '');
}

export function tempDir(prefix = 'vigor-sim-test-'): { path: string; remove(): void } {
  const directory = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('The page has no CSRF token field');
  return match[1]!;
}

/** Logs in through the real login form and returns the agent (which keeps the session cookie). */
export async function loginAgent(url: string, password = 'admin'): Promise<ReturnType<typeof request.agent>> {
  const agent = request.agent(url);
  const form = await agent.get('/login').expect(200);
  const response = await agent.post('/login').type('form').send({ _csrf: csrfTokenOf(form.text), username: 'admin', password });
  if (response.status !== 303) throw new Error(`Login failed with HTTP ${response.status}: ${response.text.slice(0, 200)}`);
  return agent;
}

/** Fetches a page as the agent and returns its CSRF token. */
export async function pageToken(agent: ReturnType<typeof request.agent>, pagePath: string): Promise<string> {
  const page = await agent.get(pagePath).expect(200);
  return csrfTokenOf(page.text);
}
