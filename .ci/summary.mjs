#!/usr/bin/env node
// Prints the plain closing line CI readers understand ("tests: N passed, N failed, N skipped")
// from the JSON report the root vitest config writes.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('node_modules/.cache/vitest-report.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
process.stdout.write(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`,
);
if (report.numTotalTests === 0) {
  process.stderr.write('No test ran.\n');
  process.exit(1);
}
