import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLiveReload, LIVE_RELOAD_PATH } from '../../src/serve/live-reload.js';
import { LiveReloadWatchError } from '../../src/serve/watch-error.js';
import { listen } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readEventStream, startReloadSite } from './live-reload-site.js';

const PAGE =
  '<!doctype html><html><head><link rel="stylesheet" href="/css/site.css"></head><body><p>one</p></body></html>';
const FILES = { 'index.html': PAGE, 'css/site.css': 'body { color: black; }' };

const pathOf = (data: string) => (JSON.parse(data) as { path: string | null }).path;

describe('live reload over a real loopback server and a real folder', () => {
  it('serves HTML pages with the client script, and the endpoint as an event stream', async () => {
    const site = await startReloadSite(FILES);
    const page = await (await fetch(`${site.origin}/`)).text();
    expect(page).toContain(`<script data-portier-reload="${LIVE_RELOAD_PATH}">`);
    expect(page.indexOf('<script data-portier-reload')).toBeLessThan(page.indexOf('</body>'));

    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-store');
    expect(await stream.next()).toEqual({ type: 'retry', data: '1000', id: undefined });
    const hello = await stream.next();
    expect(hello).toMatchObject({ type: 'hello', data: '{}' });
    expect(hello?.id).toMatch(/^[0-9a-f]{12}-0$/);
    expect(site.live.clients).toBe(1);
  });

  it('sends reload after a real write of an HTML file, and css for a stylesheet', async () => {
    const site = await startReloadSite(FILES);
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    const hello = await stream.nextOf('hello');

    site.write('index.html', PAGE.replace('one', 'two'));
    const reload = await stream.next();
    expect(reload?.type).toBe('reload');
    expect(pathOf(reload!.data)).toBe('index.html');
    expect(reload?.id).not.toBe(hello.id);

    site.write('css/site.css', 'body { color: red; }');
    const css = await stream.next();
    expect(css?.type).toBe('css');
    expect(pathOf(css!.data)).toBe('css/site.css');
  });

  it('tells subscribers each changed path once, before the pages', async () => {
    const site = await startReloadSite(FILES);
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    const seen: string[] = [];
    site.live.onChange((path) => seen.push(path));
    site.write('index.html', 'a');
    site.write('index.html', 'b');
    await stream.nextOf('reload');
    expect(seen).toEqual(['index.html']);
  });

  it('keeps seeing a file after editor-style atomic saves (regression: Node 20 recursive fs.watch on Linux lost it)', async () => {
    const site = await startReloadSite(FILES);
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    const seen: string[] = [];
    site.live.onChange((path) => seen.push(path));
    for (const text of ['two', 'three', 'four']) {
      seen.length = 0;
      writeFileSync(join(site.root, 'index.html.tmp'), PAGE.replace('one', text));
      renameSync(join(site.root, 'index.html.tmp'), join(site.root, 'index.html'));
      await stream.nextOf('reload');
      expect(seen).toContain('index.html');
    }
  });

  it('watches folders created after the start, and forgets removed ones', async () => {
    const site = await startReloadSite(FILES);
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    mkdirSync(join(site.root, 'blog'));
    expect(pathOf((await stream.nextOf('reload')).data)).toBe('blog');
    site.write('blog/post.html', '<p>post</p>');
    expect(pathOf((await stream.nextOf('reload')).data)).toBe('blog/post.html');
    rmSync(join(site.root, 'blog'), { recursive: true });
    await stream.nextOf('reload');
    site.write('index.html', 'after');
    expect(pathOf((await stream.nextOf('reload')).data)).toBe('index.html');
  });

  it('ignores node_modules, .git and editor scratch files', async () => {
    const site = await startReloadSite({
      ...FILES,
      'node_modules/lib/index.js': '',
      '.git/HEAD': '',
    });
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    // Written first: had any been reported, the batch's reload would name it, or come earlier.
    site.write('node_modules/lib/index.js', 'changed');
    site.write('.git/HEAD', 'ref: refs/heads/other');
    site.write('.index.html.swp', 'vim swap');
    site.write('index.html', 'real change');
    const reload = await stream.next();
    expect(reload?.type).toBe('reload');
    expect(pathOf(reload!.data)).toBe('index.html');
  });

  it('sends reload at once to a page that reconnects after missing a change', async () => {
    const site = await startReloadSite(FILES);
    const first = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    const hello = await first.nextOf('hello');

    const same = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`, {
      'Last-Event-ID': hello.id!,
    });
    expect((await same.next())?.type).toBe('retry');
    expect((await same.next())?.type).toBe('hello');

    site.write('index.html', 'changed while the page was away');
    await first.nextOf('reload');
    const byHeader = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`, {
      'Last-Event-ID': hello.id!,
    });
    const missed = await byHeader.nextOf('reload');
    expect(pathOf(missed.data)).toBeNull();
    const bySince = await readEventStream(
      `${site.origin}${LIVE_RELOAD_PATH}?since=${encodeURIComponent(hello.id!)}`,
    );
    await bySince.nextOf('reload');
    const restarted = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`, {
      'Last-Event-ID': 'an-earlier-server-0',
    });
    await restarted.nextOf('reload');
  });

  it('sends comment heartbeats on an idle stream', async () => {
    const site = await startReloadSite(FILES, { heartbeatMs: 30 });
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    expect(await stream.nextOf('comment')).toMatchObject({ data: 'ping' });
  });

  it('drops a page from the clients when its connection closes', async () => {
    const site = await startReloadSite(FILES);
    const a = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    const b = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await a.nextOf('hello');
    await b.nextOf('hello');
    expect(site.live.clients).toBe(2);
    a.close();
    await vi.waitFor(() => expect(site.live.clients).toBe(1), { timeout: 5_000, interval: 10 });
    b.close();
    await vi.waitFor(() => expect(site.live.clients).toBe(0), { timeout: 5_000, interval: 10 });
  });

  it('answers other methods with 405, and leaves other paths to the server', async () => {
    const site = await startReloadSite(FILES);
    const post = await fetch(`${site.origin}${LIVE_RELOAD_PATH}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(`${site.origin}/__portier/reloaded`)).status).toBe(404);
    expect((await fetch(`${site.origin}/css/site.css`)).status).toBe(200);
  });

  it('close() ends every stream and answers 204 afterwards, which stops EventSource retrying', async () => {
    const site = await startReloadSite(FILES);
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    await site.live.close();
    expect(await stream.next()).toBeUndefined();
    expect(site.live.clients).toBe(0);
    const after = await fetch(`${site.origin}${LIVE_RELOAD_PATH}`);
    expect(after.status).toBe(204);
    await site.live.close();
  });

  it('does not hold up a server shutting down: the ended streams close their connections', async () => {
    const site = await startReloadSite(FILES);
    const stream = await readEventStream(`${site.origin}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    // The order of `portier serve`: stop listening (closing idle connections), then live reload.
    const closed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server.close() still waiting')), 2_000);
      site.server.close(() => resolve(clearTimeout(timer)));
    });
    await site.live.close();
    await closed;
  });

  it('turns itself off without throwing when the folder cannot be watched', async () => {
    const missing = join(tempDir(), 'gone');
    const errors: LiveReloadWatchError[] = [];
    const live = createLiveReload({ root: missing, onError: (error) => errors.push(error) });
    expect(live.lastError).toBeInstanceOf(LiveReloadWatchError);
    expect(live.lastError?.code).toBe('ENOENT');
    expect(errors).toEqual([live.lastError]);
    // The endpoint still answers: pages connect and simply hear nothing.
    const server = createServer((req, res) => {
      if (!live.handle(req, res)) res.writeHead(404).end();
    });
    const port = await listen(server);
    const stream = await readEventStream(`http://127.0.0.1:${port}${LIVE_RELOAD_PATH}`);
    await stream.nextOf('hello');
    await live.close();
  });
});
