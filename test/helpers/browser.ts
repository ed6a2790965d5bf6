import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { onTestFinished } from 'vitest';

/** Debian's Chromium (package `chromium`); playwright-core drives it, nothing is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, self-contained headless run as root in a container: no sandbox (root),
 * no GPU, and no calls home (component updates, sync, QUIC experiments) that would add
 * network traffic and flakiness.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Time to start Chromium, in ms: a cold start on a loaded CI machine takes a few seconds. */
const LAUNCH_TIMEOUT_MS = 20_000;

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumSkipReason(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `${CHROMIUM_PATH} is missing (install the Debian package chromium: apt-get install -y chromium)`;
}

/**
 * Starts headless Chromium with a fresh profile (`--user-data-dir` in a temporary folder) and
 * returns its browser context. The browser is closed and the profile removed when the test ends.
 */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'portier-chromium-'));
  let context: BrowserContext | undefined;
  onTestFinished(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  // launchPersistentContext passes the profile as --user-data-dir (launch() refuses that flag).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: LAUNCH_TIMEOUT_MS,
  });
  return context;
}
