// Swagger UI at /docs in a real browser (Debian's chromium, headless, driven by playwright-core): the page renders
// every tag of the document, loads under the gateway's CSP without errors, and "Try it out" on GET /healthz gets 200.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@plinth/testing';
import { createGatewayTestApp, type GatewayTestApp } from './support/gateway-test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let t: GatewayTestApp;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)`);
  t = await createGatewayTestApp();
  const port = await freePort();
  await t.app.listen(port, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('Swagger UI at /docs', () => {
  it('renders every tag and answers "Try it out" on GET /healthz with 200', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    await page.goto(`${baseUrl}/docs`);
    await page.waitForSelector('.opblock-tag', { timeout: 20_000 });
    const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as { tags: { name: string }[] };
    const rendered = await page.$$eval('.opblock-tag', (elements) => elements.map((element) => element.getAttribute('data-tag')));
    expect(rendered.sort()).toEqual(document.tags.map((tag) => tag.name).sort());

    const healthz = page.locator('#operations-operations-HealthController_live');
    await healthz.locator('.opblock-summary').click();
    await healthz.locator('button.try-out__btn').click();
    await healthz.locator('button.execute').click();
    const status = healthz.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 20_000 });
    expect((await status.innerText()).trim()).toBe('200');
    expect(await healthz.locator('.live-responses-table .microlight, .live-responses-table pre').first().innerText()).toContain('"status": "ok"');

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
