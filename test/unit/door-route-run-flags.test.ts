import { describe, expect, it } from 'vitest';
import { explicitPort, planFrameworkFlags } from '../../src/door/framework-flags.js';

const words = (text: string) => (text === '' ? [] : text.split(' '));

describe('planFrameworkFlags', () => {
  it.each([
    ['vite', 'vite', 'vite --port 4100 --host 127.0.0.1 --strictPort'],
    ['vite dev', 'vite', 'vite dev --port 4100 --host 127.0.0.1 --strictPort'],
    ['vite preview', 'vite', 'vite preview --port 4100 --host 127.0.0.1 --strictPort'],
    ['vite ./app --open', 'vite', 'vite ./app --open --port 4100 --host 127.0.0.1 --strictPort'],
    ['npx vite', 'vite', 'npx vite --port 4100 --host 127.0.0.1 --strictPort'],
    ['npx --yes vite dev', 'vite', 'npx --yes vite dev --port 4100 --host 127.0.0.1 --strictPort'],
    ['pnpm exec vite', 'vite', 'pnpm exec vite --port 4100 --host 127.0.0.1 --strictPort'],
    ['pnpm vite', 'vite', 'pnpm vite --port 4100 --host 127.0.0.1 --strictPort'],
    ['yarn dlx vite', 'vite', 'yarn dlx vite --port 4100 --host 127.0.0.1 --strictPort'],
    ['bunx vite', 'vite', 'bunx vite --port 4100 --host 127.0.0.1 --strictPort'],
    ['npm exec -- vite', 'vite', 'npm exec -- vite --port 4100 --host 127.0.0.1 --strictPort'],
    [
      './node_modules/.bin/vite',
      'vite',
      './node_modules/.bin/vite --port 4100 --host 127.0.0.1 --strictPort',
    ],
    ['vite.cmd', 'vite', 'vite.cmd --port 4100 --host 127.0.0.1 --strictPort'],
    // A script run by node: the script names the tool (regression: `node …/vite.js` got no flags).
    [
      'node node_modules/vite/bin/vite.js',
      'vite',
      'node node_modules/vite/bin/vite.js --port 4100 --host 127.0.0.1 --strictPort',
    ],
    [
      'node --inspect node_modules/@angular/cli/bin/ng.js serve',
      'ng',
      'node --inspect node_modules/@angular/cli/bin/ng.js serve --port 4100 --host 127.0.0.1',
    ],
    ['astro dev', 'astro', 'astro dev --port 4100 --host 127.0.0.1'],
    ['npx astro preview', 'astro', 'npx astro preview --port 4100 --host 127.0.0.1'],
    ['ng serve', 'ng', 'ng serve --port 4100 --host 127.0.0.1'],
    ['ng serve -- --extra', 'ng', 'ng serve --port 4100 --host 127.0.0.1 -- --extra'],
    [
      'react-router dev',
      'react-router',
      'react-router dev --port 4100 --host 127.0.0.1 --strictPort',
    ],
    ['remix vite:dev', 'remix', 'remix vite:dev --port 4100 --host 127.0.0.1 --strictPort'],
    ['next dev', 'next', 'next dev --port 4100 --hostname 127.0.0.1'],
    ['next dev -p 3000', 'next', 'next dev -p 3000 --hostname 127.0.0.1'],
    ['webpack serve', 'webpack', 'webpack serve --port 4100 --host 127.0.0.1'],
    ['webpack-dev-server', 'webpack-dev-server', 'webpack-dev-server --port 4100 --host 127.0.0.1'],
    ['storybook dev', 'storybook', 'storybook dev --port 4100 --host 127.0.0.1'],
    ['docusaurus start', 'docusaurus', 'docusaurus start --port 4100 --host 127.0.0.1'],
    ['gatsby develop', 'gatsby', 'gatsby develop --port 4100 --host 127.0.0.1'],
    ['hugo server', 'hugo', 'hugo server --port 4100 --bind 127.0.0.1'],
    ['jekyll serve', 'jekyll', 'jekyll serve --port 4100 --host 127.0.0.1'],
    ['flask run', 'flask', 'flask run --port 4100 --host 127.0.0.1'],
    ['uvicorn app:app', 'uvicorn', 'uvicorn app:app --port 4100 --host 127.0.0.1'],
    ['python3 -m http.server', 'http.server', 'python3 -m http.server --bind 127.0.0.1 4100'],
    ['python -m flask run', 'flask', 'python -m flask run --port 4100 --host 127.0.0.1'],
    ['python manage.py runserver', 'manage.py', 'python manage.py runserver 127.0.0.1:4100'],
    // Flags the user wrote are kept, and not added twice.
    ['vite --host 0.0.0.0', 'vite', 'vite --host 0.0.0.0 --port 4100 --strictPort'],
    ['vite --port=5173', 'vite', 'vite --port=5173 --host 127.0.0.1 --strictPort'],
    ['vite --strictPort', 'vite', 'vite --strictPort --port 4100 --host 127.0.0.1'],
    ['python3 -m http.server 8000', 'http.server', 'python3 -m http.server 8000 --bind 127.0.0.1'],
    ['python manage.py runserver 0:8000', 'manage.py', 'python manage.py runserver 0:8000'],
  ])('%s → %s', (input, framework, output) => {
    const plan = planFrameworkFlags(words(input), 4100);
    expect(plan.framework).toBe(framework);
    expect(plan.argv.join(' ')).toBe(output);
  });

  it.each([
    ['node server.js'],
    ['npm run dev'],
    ['pnpm dev'],
    ['yarn start'],
    ['vite build'],
    ['npx vite build'],
    ['ng build'],
    ['astro build'],
    ['next build'],
    ['python app.py'],
    ['python manage.py migrate'],
    ['sh -c vite'],
    ['./vite-wrapper.sh'],
    [''],
  ])('%j is left as it is', (input) => {
    expect(planFrameworkFlags(words(input), 4100)).toEqual({ argv: words(input), added: [] });
  });

  it('uses the host it is given', () => {
    expect(planFrameworkFlags(['astro', 'dev'], 4100, '::1').added).toEqual([
      '--port',
      '4100',
      '--host',
      '::1',
    ]);
  });
});

describe('explicitPort', () => {
  it.each([
    ['vite --port 5173', 5173],
    ['vite --port=5173', 5173],
    ['npm run dev -- --port 3000', 3000],
    ['vite --port', undefined],
    ['vite --port abc', undefined],
    ['vite --port 70000', undefined],
    ['vite --port 0', undefined],
    ['node server.js', undefined],
    ['next dev -p 3000', undefined],
  ])('%s → %s', (input, port) => {
    expect(explicitPort(words(input))).toBe(port);
  });
});
