import { describe, expect, it } from 'vitest';
import { STACK_MARKER_ENV } from '../../src/stack/process/lifeline.js';
import { buildServiceEnv, envNameOf } from '../../src/stack/stack-env.js';
import { makeService } from '../helpers/stack.js';

describe('service environment', () => {
  it('injects PORT, HOST, PORTIER_URL, <DEP>_URL, DATABASE_URL and REDIS_URL', () => {
    const env = buildServiceEnv({
      base: { PATH: '/bin', UNSET: undefined },
      service: makeService('api'),
      project: 'shop',
      marker: 'm1',
      port: 61_001,
      dependencies: [
        { name: 'db', port: 61_002, databaseUrl: 'postgres://u:p@127.0.0.1:61002/app' },
        { name: 'cache', port: 61_003, redisUrl: 'redis://127.0.0.1:61003' },
        { name: 'auth-api', port: 61_004 },
      ],
      color: true,
    });
    expect(env).toMatchObject({
      PATH: '/bin',
      PORT: '61001',
      HOST: '127.0.0.1',
      PORTIER_URL: 'http://127.0.0.1:61001',
      DATABASE_URL: 'postgres://u:p@127.0.0.1:61002/app',
      DB_URL: 'postgres://u:p@127.0.0.1:61002/app',
      REDIS_URL: 'redis://127.0.0.1:61003',
      AUTH_API_URL: 'http://127.0.0.1:61004',
      FORCE_COLOR: '1',
      PORTIER_PROJECT: 'shop',
      PORTIER_SERVICE: 'api',
      [STACK_MARKER_ENV]: 'm1',
    });
    expect('UNSET' in env).toBe(false);
  });

  it("lets the service's own env win, except the stack marker", () => {
    const env = buildServiceEnv({
      base: {},
      service: makeService('api', { env: { PORT: '9', [STACK_MARKER_ENV]: 'forged' } }),
      project: 'p',
      marker: 'real',
      port: 61_001,
      dependencies: [],
      color: false,
    });
    expect(env.PORT).toBe('9');
    expect(env[STACK_MARKER_ENV]).toBe('real');
    expect(env.FORCE_COLOR).toBeUndefined();
  });

  it('turns service names into variable names', () => {
    expect(envNameOf('api-gateway')).toBe('API_GATEWAY');
    expect(envNameOf('web2')).toBe('WEB2');
  });
});
