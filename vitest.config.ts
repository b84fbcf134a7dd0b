import { defineConfig } from 'vitest/config';

// One project per package so `vitest --project <name>` runs a slice; tests import built dist of
// sibling packages, so `tsc -b` runs before vitest (see the root `test` script). The JSON report
// lets .ci/run print a plain "N passed, N failed" closing line.
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest-report.json' }]],
    projects: [
      'packages/*/vitest.config.ts',
      'servers/*/vitest.config.ts',
      'coordinator/vitest.config.ts',
      'cli/vitest.config.ts',
      'test/vitest.config.ts',
    ],
  },
});
