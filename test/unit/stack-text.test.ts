import { describe, expect, it } from 'vitest';
import { renderStackTable, serviceAddress } from '../../src/cli/render/stack-text.js';
import type { ServiceStatus } from '../../src/stack/types.js';
import { createColors } from '../../src/text/ansi-colors.js';

const svc = (over: Partial<ServiceStatus>): ServiceStatus => ({
  name: 'api',
  state: 'healthy',
  restarts: 0,
  ...over,
});

describe('stack table', () => {
  it.each([
    [svc({ port: 61001, url: 'http://127.0.0.1:61001' }), 'http://127.0.0.1:61001'],
    [svc({ name: 'db', port: 61002 }), '127.0.0.1:61002'],
    [svc({ state: 'completed', port: 61003, url: 'http://127.0.0.1:61003' }), ''],
    [
      svc({ port: 61004, url: 'http://127.0.0.1:61004', listeningPorts: [5173] }),
      'http://127.0.0.1:61004 (listens on 5173)',
    ],
  ])('address of %o', (status, address) => {
    expect(serviceAddress(status)).toBe(address);
  });

  it('shows the named URL of a running service in place of its address', () => {
    const text = renderStackTable(
      {
        project: 'p',
        root: '/',
        file: '/portier.yaml',
        phase: 'running',
        pid: 1,
        startedAt: 0,
        services: [svc({ port: 61001, url: 'http://127.0.0.1:61001' })],
      },
      createColors(false),
      0,
      undefined,
      new Map([['api', 'http://api.p.localhost:57573']]),
    );
    expect(text).toContain('http://api.p.localhost:57573 → 61001');
    expect(text).not.toContain(String.fromCharCode(27));
  });
});
