import { describe, expect, it } from 'vitest';
import { injectBeforeBodyEnd, renderScriptTag } from '../../src/serve/inject-script.js';
import { createLiveReload } from '../../src/serve/live-reload.js';
import { LIVE_RELOAD_CLIENT } from '../../src/serve/live-reload-client.js';

const noWatch = () => ({ close() {} });
const TAG = `<script data-portier-reload="/__portier/reload">${LIVE_RELOAD_CLIENT}</script>`;

describe('LiveReload.inject', () => {
  const live = createLiveReload({ root: '/srv/site', watch: noWatch });

  it.each<[string, string, string]>([
    [
      'before </body>',
      '<html><body><p>hi</p></body></html>',
      '<html><body><p>hi</p>#</body></html>',
    ],
    [
      'before an uppercase </BODY>',
      '<HTML><BODY>hi</BODY></HTML>',
      '<HTML><BODY>hi#</BODY></HTML>',
    ],
    ['before </body > with a space', '<body>hi</body >', '<body>hi#</body >'],
    [
      'before the last </body>, not one inside a script',
      '<body><script>s = "</body>";</script></body>',
      '<body><script>s = "</body>";</script>#</body>',
    ],
    ['before </html> when there is no body', '<html><p>hi</p></html>', '<html><p>hi</p>#</html>'],
    ['at the end of a fragment', '<p>hi</p>', '<p>hi</p>#'],
    ['into an empty document', '', '#'],
    [
      'keeping text after the body',
      '<body>hi</body>\n<!-- end -->\n',
      '<body>hi#</body>\n<!-- end -->\n',
    ],
  ])('%s', (_what, html, expected) => {
    expect(live.inject(html)).toBe(expected.replace('#', TAG));
  });

  it('names a custom endpoint in the script tag, escaped', () => {
    const custom = createLiveReload({ root: '/srv/site', watch: noWatch, path: '/_r?a="b"&c' });
    expect(custom.inject('')).toContain('data-portier-reload="/_r?a=&quot;b&quot;&amp;c"');
  });
});

describe('injectBeforeBodyEnd', () => {
  it('handles text whose lowercase form is longer (indices come from the original string)', () => {
    expect(injectBeforeBodyEnd('<body>İİİ</body>', '#')).toBe('<body>İİİ#</body>');
  });
});

describe('the client script', () => {
  it('parses as a classic script and cannot end its <script> element early', () => {
    expect(() => new Function(LIVE_RELOAD_CLIENT)).not.toThrow();
    expect(LIVE_RELOAD_CLIENT).not.toMatch(/<\/script/i);
  });

  it('stays small (no framework)', () => {
    expect(LIVE_RELOAD_CLIENT.length).toBeLessThan(4_000);
  });

  it('is refused by renderScriptTag if it ever contains </script', () => {
    expect(() => renderScriptTag('x = "</SCRIPT>"')).toThrow();
  });
});
