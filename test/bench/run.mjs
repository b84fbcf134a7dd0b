#!/usr/bin/env node
// Runs every benchmark under test/bench (`pnpm bench`), or only those whose names contain one of the
// arguments (`pnpm bench memory shell`). Each benchmark is a plain script that prints its figures;
// a benchmark never fails because the machine is slow, so only a crash makes this exit non-zero.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const directory = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(directory)
  .filter((name) => name.endsWith('.bench.mjs'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (benches.length === 0) {
  console.error(
    `No benchmark matches ${filters.join(', ')}. Available: ${readdirSync(directory).join(', ')}`,
  );
  process.exit(2);
}

const failures = [];
for (const name of benches) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--expose-gc', join(directory, name)], { stdio: 'inherit' });
  process.stdout.write(
    `=== ${name}: ${result.status === 0 ? 'done' : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`,
  );
  if (result.status !== 0) failures.push(name);
}
if (failures.length > 0) {
  console.error(`Benchmarks that crashed: ${failures.join(', ')}`);
  process.exit(1);
}
