import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serve } from '../../src/serve/serve.js';

const run = promisify(execFile);
const hasCurl = await run('curl', ['--version']).then(
  () => true,
  () => false,
);
if (!hasCurl)
  console.warn(
    'serve-curl: curl is not installed (apt-get install curl); these tests are skipped.',
  );

describe.skipIf(!hasCurl)('portier serve with curl', () => {
  it('serves a range, a 304 and a traversal attempt the way curl sends them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portier-curl-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'a.txt'), '0123456789');
    const server = await serve({ root: join(dir), port: 0, reload: false });
    onTestFinished(() => server.close());
    const base = server.urls[0]!;
    const range = await run('curl', ['-s', '-r', '2-4', `${base}a.txt`]);
    expect(range.stdout).toBe('234');
    const head = await run('curl', ['-s', '-D', '-', '-o', '/dev/null', `${base}a.txt`]);
    const etag = /etag: (.+)\r/i.exec(head.stdout)![1]!;
    const cached = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `If-None-Match: ${etag}`,
      `${base}a.txt`,
    ]);
    expect(cached.stdout).toBe('304');
    // --path-as-is: curl would otherwise squash the dot segments before sending.
    const traversal = await run('curl', [
      '-s',
      '--path-as-is',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${base}../../etc/passwd`,
    ]);
    expect(Number(traversal.stdout)).toBeGreaterThanOrEqual(400);
    const ipv6 = await run('curl', ['-s', '-g', `http://[::1]:${server.port}/a.txt`]);
    expect(ipv6.stdout).toBe('0123456789');
  });
});
