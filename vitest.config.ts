import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests bind real loopback ports and spawn real processes; two cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
