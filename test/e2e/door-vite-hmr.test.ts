import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'playwright-core';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { assertCliBuilt, runCli, startCli } from '../helpers/cli.js';
import { doorTestEnv, getThroughDoor } from '../helpers/door.js';
import { killQuietly } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

assertCliBuilt();

const skipReason = chromiumSkipReason();
if (skipReason) console.warn(`Skipping the Vite HMR through the door test: ${skipReason}.`);

/** Vite's own CLI script, which `node_modules/.bin/vite` links to. */
const VITE_JS = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
/** The `vite` a package script or `npx vite` runs: the link in node_modules/.bin. */
const VITE_BIN = fileURLToPath(new URL('../../node_modules/.bin/vite', import.meta.url));
/** Bound on every wait for Vite or the browser, in ms. */
const WAIT_MS = 15_000;

const textModule = (text: string) => `export const text = ${JSON.stringify(text)};\n`;

/**
 * A Vite project in a temp dir: the page shows text.js's text; main.js accepts text.js's
 * updates (HMR, no reload) and records Vite's update and full-reload events on `window`.
 * vite.config.mjs keeps Vite's `server.hmr` defaults, so the client connects its WebSocket to
 * the page's own host and port (the door), and writes Vite's pid for the cleanup.
 */
function writeViteProject(): string {
  const root = tempDir('portier-vite-');
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><html><body><p id="text"></p><script type="module" src="/main.js"></script></body></html>\n',
  );
  writeFileSync(
    join(root, 'main.js'),
    [
      "import { text } from './text.js';",
      "const show = (value) => { document.getElementById('text').textContent = value; };",
      'show(text);',
      'window.__updates = [];',
      'window.__fullReloads = 0;',
      'if (import.meta.hot) {',
      "  import.meta.hot.accept('./text.js', (mod) => show(mod.text));",
      "  import.meta.hot.on('vite:afterUpdate', (p) => window.__updates.push(...p.updates.map((u) => u.acceptedPath)));",
      "  import.meta.hot.on('vite:beforeFullReload', () => { window.__fullReloads += 1; });",
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'text.js'), textModule('one'));
  writeFileSync(
    join(root, 'vite.config.mjs'),
    [
      "import { writeFileSync } from 'node:fs';",
      'writeFileSync(process.env.VITE_PID_FILE, String(process.pid));',
      // server.hmr left at its defaults: the client dials the page's host:port. No
      // server.allowedHosts: Vite's host check accepts localhost and *.localhost itself.
      'export default { clearScreen: false, server: {} };',
      '',
    ].join('\n'),
  );
  return root;
}

/** `portier run app --json -- <vite…> <root>` with Vite's pid killed when the test ends. */
async function runViteThroughPortier(env: Record<string, string>, vite: string[], root: string) {
  const pidFile = join(root, 'vite.pid');
  const run = startCli(['run', 'app', '--json', '--', ...vite, root], {
    env: { ...env, VITE_PID_FILE: pidFile },
  });
  // startCli kills portier with SIGKILL at the end, which Vite (its child) would outlive.
  onTestFinished(() => {
    if (existsSync(pidFile)) killQuietly(Number(readFileSync(pidFile, 'utf8')));
  });
  const facts = JSON.parse(await run.waitForLine((l) => l.startsWith('{'), WAIT_MS)) as {
    url: string;
    port: number;
    framework?: string;
    added: string[];
  };
  await run.waitForLine((l) => l.includes('ready in'), WAIT_MS);
  return { run, facts };
}

/** Stops `portier run` as Ctrl-C would (passed on to Vite) and the door. */
async function stopAll(run: ReturnType<typeof startCli>, env: Record<string, string>) {
  run.child.kill('SIGTERM');
  await run.exit(WAIT_MS);
  expect((await runCli(['door', 'stop'], { env })).code).toBe(0);
}

describe.skipIf(skipReason !== undefined)('Vite behind the front door in headless Chromium', () => {
  it('serves the page at app.localhost and hot-updates a module over the door, without a reload', async () => {
    const { env, doorPort } = await doorTestEnv();
    const root = writeViteProject();
    const { run, facts } = await runViteThroughPortier(env, [VITE_BIN], root);
    const origin = `http://app.localhost:${doorPort}`;
    expect(facts).toMatchObject({ url: origin, framework: 'vite' });
    expect(facts.added).toEqual([
      '--port',
      String(facts.port),
      '--host',
      '127.0.0.1',
      '--strictPort',
    ]);

    const context = await launchChromium();
    const tab = await context.newPage();
    tab.setDefaultTimeout(WAIT_MS);
    const sockets: WebSocket[] = [];
    const frames: string[] = [];
    tab.on('websocket', (ws) => {
      sockets.push(ws);
      ws.on('framereceived', ({ payload }) => frames.push(String(payload)));
    });
    let navigations = 0;
    tab.on('framenavigated', (frame) => {
      if (frame === tab.mainFrame()) navigations++;
    });

    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => document.getElementById('text')?.textContent === 'one');
    // Vite's server greets a client with {"type":"connected"} once the upgrade went through.
    await vi.waitFor(() => expect(frames.some((f) => f.includes('"connected"'))).toBe(true), {
      timeout: WAIT_MS,
      interval: 20,
    });
    // The HMR socket dialled the page's host and port: the door, not Vite's own port.
    expect(sockets.map((ws) => new URL(ws.url()).host)).toEqual([`app.localhost:${doorPort}`]);
    expect(sockets[0]!.url()).toMatch(/^ws:\/\/app\.localhost:\d+\/\?token=/);
    await tab.evaluate(() => {
      (window as unknown as { __marker?: number }).__marker = 1;
    });

    writeFileSync(join(root, 'text.js'), textModule('two'));
    await tab.waitForFunction(() => document.getElementById('text')?.textContent === 'two');
    const state = await tab.evaluate(() => {
      const w = window as unknown as {
        __marker?: number;
        __updates: string[];
        __fullReloads: number;
      };
      return { marker: w.__marker, updates: w.__updates, fullReloads: w.__fullReloads };
    });
    // Same document (marker kept, one navigation), updated by HMR, not reloaded. A busy machine
    // can see the one write as two file events, so Vite may send the same update twice.
    expect(state.marker).toBe(1);
    expect(state.fullReloads).toBe(0);
    expect(state.updates.length).toBeGreaterThan(0);
    expect(new Set(state.updates)).toEqual(new Set(['/text.js']));
    expect(navigations).toBe(1);
    // The update came down the socket through the door, which stayed the only one.
    expect(frames.some((f) => f.includes('"type":"update"') && f.includes('/text.js'))).toBe(true);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.isClosed()).toBe(false);

    await stopAll(run, env);
  }, 60_000);
});

// Guards a gap found with this test: planFrameworkFlags looks at argv[0] only, so
// `node …/vite/bin/vite.js` got no flags, Vite listened on its default 5173 and the door
// answered 502 for app.localhost (src/door/framework-flags.ts, toolIndex/baseName).
describe('Vite started as `node …/vite/bin/vite.js` behind the front door', () => {
  it('gets --port/--host like `vite` does, so the door reaches it', async () => {
    const { env, doorPort } = await doorTestEnv();
    const root = writeViteProject();
    const { run, facts } = await runViteThroughPortier(env, [process.execPath, VITE_JS], root);
    const answer = await getThroughDoor(doorPort, `app.localhost:${doorPort}`);
    await stopAll(run, env);
    expect(facts.added).toEqual([
      '--port',
      String(facts.port),
      '--host',
      '127.0.0.1',
      '--strictPort',
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('/@vite/client');
  }, 60_000);
});
