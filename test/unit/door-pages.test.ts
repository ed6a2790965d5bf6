import { describe, expect, it } from 'vitest';
import { renderDoorPage } from '../../src/door/door-page.js';
import {
  loopPage,
  refusedPage,
  routeUrl,
  serviceDownPage,
  unknownNamePage,
  upstreamFailurePage,
} from '../../src/door/door-pages.js';
import type { Route } from '../../src/door/types.js';
import { proxyFailure } from '../../src/serve/proxy-failure.js';

const api: Route = {
  name: 'api',
  project: 'shop',
  kind: 'stack',
  upstream: { address: '::1', port: 5173 },
  since: 0,
};
const web: Route = {
  name: 'web',
  kind: 'run',
  upstream: { address: '127.0.0.1', port: 3000 },
  since: 0,
};

describe('door pages', () => {
  it('every page: no-store, a CSP that allows nothing but its own style, nosniff, length', () => {
    const page = renderDoorPage(refusedPage(403, 'no'), true);
    expect(page.headers['Cache-Control']).toBe('no-store');
    expect(page.headers['Content-Security-Policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(page.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(page.headers['Content-Length']).toBe(String(Buffer.byteLength(page.body)));
  });

  it('the style hash in the CSP matches the inline style', async () => {
    const { createHash } = await import('node:crypto');
    const page = renderDoorPage(refusedPage(403, 'no'), true);
    const style = /<style>(.*?)<\/style>/s.exec(page.body)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(page.headers['Content-Security-Policy']).toContain(`'sha256-${hash}'`);
  });

  it('escapes every value in HTML', () => {
    const page = serviceDownPage(web, {
      state: 'crashed',
      reason: '<b>"x"</b>',
      lastLines: ["<img src=x onerror='alert(1)'>", 'a & b'],
    });
    const html = renderDoorPage(page, true).body;
    expect(html).not.toMatch(/<img|<b>/);
    expect(html).toContain('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;');
    expect(html).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(html).toContain('a &amp; b');
  });

  it('status pages reload every 2 s (HTML only) and say what the service is doing', () => {
    const page = serviceDownPage(api, { state: 'exited', exitCode: 2, signal: null }, 30_000);
    expect(page.status).toBe(503);
    expect(page.summary).toBe('api (shop) did not become ready within 30 s (it is exited).');
    expect(page.rows).toContainEqual(['Exit code', '2']);
    expect(page.rows).toContainEqual(['Upstream', '[::1]:5173']);
    expect(renderDoorPage(page, true).body).toContain('<meta http-equiv="refresh" content="2">');
    expect(renderDoorPage(page, false).body).not.toContain('refresh');
  });

  it('upstream failures name the upstream address; timeouts do not reload', () => {
    const refused = upstreamFailurePage(web, proxyFailure('refused', 'ECONNREFUSED'));
    expect(refused.status).toBe(502);
    expect(refused.summary).toContain('127.0.0.1:3000 refused the connection');
    expect(refused.refreshS).toBe(2);
    const slow = upstreamFailurePage(web, proxyFailure('response-timeout', 'ETIMEDOUT', 300));
    expect(slow.status).toBe(504);
    expect(slow.refreshS).toBeUndefined();
  });

  it('the 404 lists live routes by URL, sorted, and the commands to add one', () => {
    const page = unknownNamePage('nope', [web, api], 8080);
    expect(page.links).toEqual([
      ['api (shop) → [::1]:5173', 'http://api.shop.localhost:8080'],
      ['web → 127.0.0.1:3000', 'http://web.localhost:8080'],
    ]);
    expect(page.hint).toContain('portier alias nope <port>');
    expect(page.hint).toContain('portier run nope -- <command>');
    expect(renderDoorPage(page, false).body).toContain(
      '  web → 127.0.0.1:3000  http://web.localhost:8080',
    );
  });

  it('routeUrl defaults to the door port; the loop page names the upstream', () => {
    expect(routeUrl(web)).toBe('http://web.localhost:57573');
    expect(loopPage(web)).toMatchObject({ status: 508 });
    expect(loopPage(web).summary).toContain('127.0.0.1:3000');
  });
});
