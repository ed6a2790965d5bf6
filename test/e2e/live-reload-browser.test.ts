import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { LIVE_RELOAD_PATH } from '../../src/serve/live-reload.js';
import { LIVE_RELOAD_CLIENT } from '../../src/serve/live-reload-client.js';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { listen } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { type ReloadSite, startReloadSite } from '../integration/live-reload-site.js';

const skipReason = chromiumSkipReason();
if (skipReason) console.warn(`Skipping the live reload browser tests: ${skipReason}.`);

/** Bound on every wait for the browser, in ms. */
const WAIT_MS = 10_000;

const page = (text: string) =>
  `<!doctype html><html><head><link rel="stylesheet" href="/css/site.css"></head><body><p id="text">${text}</p></body></html>`;
const css = (color: string) => `body { background-color: ${color}; }`;
const FILES = { 'index.html': page('one'), 'css/site.css': css('rgb(255, 255, 255)') };

/** Opens the site's index page and waits until it is connected to the live reload stream. */
async function openConnected(site: ReloadSite): Promise<Page> {
  const context = await launchChromium();
  const tab = await context.newPage();
  tab.setDefaultTimeout(WAIT_MS);
  await tab.goto(`${site.origin}/`);
  await vi.waitFor(() => expect(site.live.clients).toBe(1), { timeout: WAIT_MS, interval: 20 });
  // Set on this document only: a reload makes a new document without it.
  await tab.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
  return tab;
}

const marker = (tab: Page) =>
  tab.evaluate(() => (window as unknown as { __marker?: number }).__marker);

describe.skipIf(skipReason !== undefined)('live reload in headless Chromium', () => {
  it('reloads the page when its HTML file changes', async () => {
    const site = await startReloadSite(FILES);
    const tab = await openConnected(site);
    expect(await tab.textContent('#text')).toBe('one');

    site.write('index.html', page('two'));
    await tab.waitForFunction(() => document.getElementById('text')?.textContent === 'two');
    expect(await marker(tab)).toBeUndefined();
    // The new document connects again; the old connection is gone, not leaked.
    await vi.waitFor(() => expect(site.live.clients).toBe(1), { timeout: WAIT_MS, interval: 20 });
  });

  it('swaps the stylesheet without reloading when a CSS file changes', async () => {
    const site = await startReloadSite(FILES);
    const tab = await openConnected(site);
    const background = () => getComputedStyle(document.body).backgroundColor;
    expect(await tab.evaluate(background)).toBe('rgb(255, 255, 255)');

    site.write('css/site.css', css('rgb(0, 128, 0)'));
    await tab.waitForFunction(
      () => getComputedStyle(document.body).backgroundColor === 'rgb(0, 128, 0)',
    );
    expect(await marker(tab)).toBe(1);
    // The old <link> goes once the new one has loaded: one stylesheet, with the cache buster.
    await tab.waitForFunction(() => document.querySelectorAll('link').length === 1);
    expect(await tab.getAttribute('link', 'href')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/css\/site\.css\?portier-reload=\d+$/,
    );

    site.write('css/site.css', css('rgb(0, 0, 255)'));
    await tab.waitForFunction(
      () => getComputedStyle(document.body).backgroundColor === 'rgb(0, 0, 255)',
    );
    expect(await marker(tab)).toBe(1);
  });

  it('lets a hidden page go, and reloads it when shown if a change came meanwhile', async () => {
    const site = await startReloadSite(FILES);
    const tab = await openConnected(site);
    // Headless pages are always visible: fake the state, then fire the event the client heeds.
    const setVisibility = (state: string) =>
      tab.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);

    await setVisibility('hidden');
    await vi.waitFor(() => expect(site.live.clients).toBe(0), { timeout: WAIT_MS, interval: 20 });
    const told = new Promise((resolve) => site.live.onChange(resolve));
    site.write('index.html', page('changed while hidden'));
    await told;
    expect(await marker(tab)).toBe(1);

    await setVisibility('visible');
    await tab.waitForFunction(
      () => document.getElementById('text')?.textContent === 'changed while hidden',
    );
    expect(await marker(tab)).toBeUndefined();
  });

  it('reloads after the server restarts, and drops a closed page from the clients', async () => {
    const first = await startReloadSite(FILES);
    const tab = await openConnected(first);
    const port = Number(new URL(first.origin).port);

    await first.live.close();
    first.server.closeAllConnections();
    await new Promise((resolve) => first.server.close(resolve));
    const second = await startReloadSite({}, { root: first.root, port });
    // EventSource retries, sends the old server's event id, and is told to reload.
    await tab.waitForFunction(() => !(window as unknown as { __marker?: number }).__marker);
    await vi.waitFor(() => expect(second.live.clients).toBe(1), { timeout: WAIT_MS, interval: 20 });

    await tab.close();
    await vi.waitFor(() => expect(second.live.clients).toBe(0), { timeout: WAIT_MS, interval: 20 });
  });

  it('does nothing on pages portier does not serve', async () => {
    const context = await launchChromium();
    const tab = await context.newPage();
    tab.setDefaultTimeout(WAIT_MS);
    const errors: Error[] = [];
    tab.on('pageerror', (error) => errors.push(error));
    const html = `<!doctype html><body><p>saved page</p><script data-portier-reload="${LIVE_RELOAD_PATH}">${LIVE_RELOAD_CLIENT}</script></body>`;

    // Opened from disk: the client does not even start.
    const file = join(tempDir(), 'saved.html');
    writeFileSync(file, html);
    await tab.goto(pathToFileURL(file).href);
    expect(await tab.evaluate(() => 'EventSource' in window)).toBe(true);
    expect(
      await tab.evaluate(() => (window as { __portierReload?: boolean }).__portierReload),
    ).toBe(undefined);

    // Served by another server, without the endpoint: one 404, then EventSource gives up.
    const endpointRequests: string[] = [];
    const other = createServer((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
      if (req.url?.startsWith(LIVE_RELOAD_PATH)) endpointRequests.push(req.url);
      res.writeHead(404).end();
    });
    const port = await listen(other);
    await tab.goto(`http://127.0.0.1:${port}/`);
    await vi.waitFor(() => expect(endpointRequests).toHaveLength(1), { timeout: WAIT_MS });
    // Absence of retries can only be seen by waiting: longer than the 1 s retry hint.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(endpointRequests).toEqual([LIVE_RELOAD_PATH]);
    expect(await tab.textContent('p')).toBe('saved page');
    expect(errors).toEqual([]);
  });
});
