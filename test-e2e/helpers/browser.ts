/**
 * Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core, as one
 * place of the lab (the Internet host or a router's LAN PC). Every request, loopback included,
 * goes to that place's lab proxy, and the lab CA is trusted by its SPKI hashes as
 * `vigor-sim browser` does without certutil.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Lab } from '../../emulator';
import { HEADLESS_FLAGS } from '../../emulator/browser';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Screenshot size: small enough for docs/images/, wide enough for the router's menu and forms. */
export const VIEWPORT = { width: 1024, height: 700 };

/**
 * Where screenshots go: docs/images/ when UPDATE_SCREENSHOTS=1 (to refresh docs/training.md), else
 * a temporary folder, so that a CI run leaves the checkout unchanged.
 */
export const IMAGES_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs/images') : path.join(require('node:os').tmpdir(), 'vigor-sim-e2e-images');

/** Flags that stop Chromium's own requests (updates, sync, background fetches). */
const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check', '--disable-features=NetworkTimeServiceQuerying'];

/** Starts Chromium as `place` (`internet` or a router id), with a new profile. */
export async function launchAs(lab: Lab, place: string): Promise<Browser> {
  const info = lab.ready();
  const proxy = info.proxies[place];
  if (!proxy) throw new Error(`The lab has no proxy for "${place}"; it has ${Object.keys(info.proxies).join(', ')}`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // playwright-core's own headless flag is left off so that the flags below are the whole set.
    headless: false,
    args: [
      ...HEADLESS_FLAGS,
      ...QUIET_FLAGS,
      `--proxy-server=${proxy.url}`,
      // Chromium sends loopback addresses around its proxy unless told otherwise.
      '--proxy-bypass-list=<-loopback>',
      `--ignore-certificate-errors-spki-list=${info.caSpkiHashes.join(',')}`,
    ],
  });
}

/** Starts Chromium on the host itself, without a lab proxy, for the lab console on 127.0.0.1. */
export async function launchOnHost(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: false, args: [...HEADLESS_FLAGS, ...QUIET_FLAGS] });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(15_000);
  return context;
}

/**
 * Saves a PNG of the page's viewport as docs/images/<name>.png once the page has loaded. Chromium
 * rejects a capture taken while a navigation swaps the page ("Unable to capture screenshot"), so
 * a failed capture is tried once more after the load.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(IMAGES_DIR, { recursive: true });
  const file = path.join(IMAGES_DIR, `${name}.png`);
  await page.waitForLoadState('load');
  try {
    await page.screenshot({ path: file });
  } catch {
    await page.waitForLoadState('load');
    await page.screenshot({ path: file });
  }
}
