import { defineConfig } from 'vitest/config';

// One `npm test` runs every layer: unit + integration + contract in Node, e2e in Debian's Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/{unit,integration,contract}/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time: CI has 2 cores and SwiftShader renders on the CPU.
          fileParallelism: false,
        },
      },
    ],
  },
});
