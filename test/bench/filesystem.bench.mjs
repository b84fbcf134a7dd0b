#!/usr/bin/env node
// Filesystem server benchmark: meshwork-fs against the reference @modelcontextprotocol/server-filesystem,
// side by side in one run, over stdio with the real SDK client.
//
// Prints:
//   - p50/p95 latency of read_text_file and list_directory, ours vs reference (target ratio <= 1.0);
//   - grep for a rare literal over a generated tree (full size: 20,000 files / 300 MB, target <= 3 s);
//   - search_files over the same tree, ours vs reference (informational);
//   - max server RSS sampled from /proc/<pid>/status throughout (target < 150 MB).
//
// Scale with env vars: FS_BENCH_FULL=0 (4,000 files / 60 MB instead of 20,000 / 300 MB), FS_BENCH_FILES, FS_BENCH_FILE_KB,
// FS_BENCH_ITERATIONS (latency samples per tool and server), FS_BENCH_WARMUP, FS_BENCH_NO_RSS=1. It never fails because the machine is slow.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnStdioServer } from '@meshwork/testkit';

const here = fileURLToPath(new URL('.', import.meta.url));
const oursBin = join(here, '../../servers/filesystem/dist/cli.js');
const referenceBin = join(here, '../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

// Full issue size by default: generating and grepping it takes seconds on a normal disk.
const full = process.env.FS_BENCH_FULL !== '0';
const fileCount = Number(process.env.FS_BENCH_FILES ?? (full ? 20_000 : 4_000));
const fileKb = Number(process.env.FS_BENCH_FILE_KB ?? 15);
const iterations = Number(process.env.FS_BENCH_ITERATIONS ?? 1000);
const warmup = Number(process.env.FS_BENCH_WARMUP ?? 300);
const NEEDLE = 'meshwork_needle_7f3a9c';

if (!existsSync(oursBin)) {
  console.error(`Build first (pnpm build): ${oursBin} is missing.`);
  process.exit(1);
}

/** Prints one line of results on stdout. */
function print(line) {
  process.stdout.write(`${line}\n`);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (value) => `${value.toFixed(3)} ms`;
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;

function readRssKb(pid) {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of each watched pid every 25 ms; keeps the max. */
function startRssSampler() {
  const watched = new Map();
  const timer = setInterval(() => {
    if (process.env.FS_BENCH_NO_RSS === '1') return;
    for (const [pid, entry] of watched) {
      const kb = readRssKb(pid);
      if (kb !== undefined && kb > entry.max) entry.max = kb;
    }
  }, 25);
  timer.unref();
  return {
    watch(pid, label) {
      watched.set(pid, { label, max: readRssKb(pid) ?? 0 });
    },
    max(pid) {
      return watched.get(pid)?.max ?? 0;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

function makeText(kb, seed) {
  const words = [
    'alpha',
    'beta',
    'gamma',
    'delta',
    'const',
    'return',
    'function',
    'import',
    'export',
    'value',
  ];
  const lines = [];
  let size = 0;
  let state = seed * 2654435761;
  while (size < kb * 1024) {
    let line = '';
    const count = 6 + (state % 9);
    for (let index = 0; index < count; index += 1) {
      state = (state * 1103515245 + 12345) >>> 0;
      line += `${words[state % words.length]}${state % 97} `;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function generateTree(root) {
  const started = Date.now();
  const perDirectory = 100;
  const blocks = Array.from({ length: 16 }, (_, index) => makeText(fileKb, index + 1));
  const needleFiles = new Set([7, Math.floor(fileCount / 3), Math.floor(fileCount / 2), fileCount - 5]);
  let bytes = 0;
  for (let index = 0; index < fileCount; index += 1) {
    const directory = join(
      root,
      `pkg${String(Math.floor(index / perDirectory)).padStart(4, '0')}`,
      index % 2 ? 'src' : 'lib',
    );
    if (index % perDirectory < 2) mkdirSync(directory, { recursive: true });
    let text = blocks[index % blocks.length];
    if (needleFiles.has(index)) text = `${text}found ${NEEDLE} here\n`;
    writeFileSync(join(directory, `file${index}.ts`), text);
    bytes += text.length;
  }
  return { bytes, seconds: (Date.now() - started) / 1000, needles: needleFiles.size };
}

async function timeCall(client, name, args) {
  const started = performance.now();
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 });
  const elapsed = performance.now() - started;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 300)}`);
  return { elapsed, result };
}

async function main() {
  const workspace = await mkdtemp(join(tmpdir(), 'meshwork-fs-bench-'));
  const sampler = startRssSampler();
  const servers = [];
  try {
    // Latency fixture: a 4 KB source file and a directory of 60 entries (generated before the tree).
    const small = join(workspace, 'small');
    mkdirSync(join(small, 'dir'), { recursive: true });
    writeFileSync(join(small, 'file.ts'), makeText(4, 99));
    for (let index = 0; index < 60; index += 1)
      writeFileSync(join(small, 'dir', `entry${index}.txt`), `entry ${index}\n`);
    const tree = join(workspace, 'tree');
    mkdirSync(tree);

    print(
      `scale: ${fileCount >= 20_000 ? 'full issue size' : 'reduced'} — ${fileCount} files x ~${fileKb} KB; ${iterations} latency samples per tool and server after ${warmup} warm-up calls`,
    );

    const ours = await spawnStdioServer({ bin: oursBin, args: [workspace] });
    servers.push(ours);
    sampler.watch(ours.pid, 'ours');
    const reference = await spawnStdioServer({ bin: referenceBin, args: [workspace] });
    servers.push(reference);
    sampler.watch(reference.pid, 'reference');

    // --- latency: interleaved so both see the same machine state ---
    const cases = [
      ['read_text_file', { path: join(small, 'file.ts') }],
      ['list_directory', { path: join(small, 'dir') }],
    ];
    print('\nlatency over stdio (p50 / p95):');
    for (const [name, args] of cases) {
      // Warm both servers up (JIT tiers) before sampling.
      for (let index = 0; index < warmup; index += 1) {
        await timeCall(ours.client, name, args);
        await timeCall(reference.client, name, args);
      }
      const samples = { ours: [], reference: [] };
      for (let index = 0; index < iterations; index += 1) {
        const order = index % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
        for (const who of order) {
          const client = who === 'ours' ? ours.client : reference.client;
          samples[who].push((await timeCall(client, name, args)).elapsed);
        }
      }
      const oursP50 = percentile(samples.ours, 50);
      const referenceP50 = percentile(samples.reference, 50);
      const ratio = oursP50 / referenceP50;
      print(
        `  ${name.padEnd(16)} ours ${ms(oursP50)} / ${ms(percentile(samples.ours, 95))}   reference ${ms(referenceP50)} / ${ms(percentile(samples.reference, 95))}   ratio p50 ${ratio.toFixed(2)} (target <= 1.0: ${ratio <= 1 ? 'met' : 'NOT met'})`,
      );
    }

    // The tree is generated after the latency runs, so its writeback does not disturb them.
    const generated = generateTree(tree);
    print(
      `\ngenerated ${fileCount} files, ${(generated.bytes / 1024 / 1024).toFixed(0)} MB in ${generated.seconds.toFixed(1)} s (${generated.needles} files hold the needle)`,
    );

    // --- grep: literal with few matches over the generated tree ---
    print('\ngrep (literal, few matches) over the tree:');
    const grepArgs = { path: tree, pattern: NEEDLE, literal: true, maxResults: 100 };
    const grepTimes = [];
    let matches = 0;
    let scanned = 0;
    for (let run = 0; run < 3; run += 1) {
      const { elapsed, result } = await timeCall(ours.client, 'grep', grepArgs);
      grepTimes.push(elapsed);
      matches = result.structuredContent.results.length;
      scanned = result.structuredContent.filesScanned;
    }
    const grepMedian = percentile(grepTimes, 50);
    const projected = (grepMedian / fileCount) * 20_000;
    print(
      `  ${scanned} files scanned, ${matches} matches; runs ${grepTimes.map((value) => `${(value / 1000).toFixed(2)} s`).join(', ')}; median ${(grepMedian / 1000).toFixed(2)} s`,
    );
    print(
      `  target <= 3 s at 20,000 files / 300 MB: ${fileCount >= 20_000 && fileKb >= 15 ? `${grepMedian <= 3000 ? 'met' : 'NOT met'}` : `projected ${(projected / 1000).toFixed(2)} s linearly (unset FS_BENCH_FULL and FS_BENCH_FILES to measure)`}`,
    );
    const regex = await timeCall(ours.client, 'grep', {
      path: tree,
      pattern: 'needle_[0-9a-f]{6}\\b',
      maxResults: 100,
    });
    print(
      `  regex variant (needle_[0-9a-f]{6}\\b): ${(regex.elapsed / 1000).toFixed(2)} s, ${regex.result.structuredContent.results.length} matches`,
    );

    // --- search_files over the same tree, side by side ---
    print('\nsearch_files (**/file1*.ts) over the tree:');
    const searchArgs = { path: tree, pattern: '**/file1*.ts' };
    const oursSearch = await timeCall(ours.client, 'search_files', { ...searchArgs, maxResults: 100_000 });
    const referenceSearch = await timeCall(reference.client, 'search_files', searchArgs);
    const oursFound = oursSearch.result.structuredContent.matches;
    const referenceFound = referenceSearch.result.content[0].text.split('\n').length;
    print(
      `  ours ${(oursSearch.elapsed / 1000).toFixed(2)} s (${oursFound} paths)   reference ${(referenceSearch.elapsed / 1000).toFixed(2)} s (${referenceFound} paths)   ratio ${(oursSearch.elapsed / referenceSearch.elapsed).toFixed(2)}`,
    );

    sampler.stop();
    const oursMax = sampler.max(ours.pid);
    const referenceMax = sampler.max(reference.pid);
    print(
      `\nserver RSS max (sampled every 25 ms throughout): ours ${mb(oursMax)} (target < 150 MB: ${oursMax < 150 * 1024 ? 'met' : 'NOT met'})   reference ${mb(referenceMax)}`,
    );
  } finally {
    sampler.stop();
    for (const server of servers) await server.close().catch(() => {});
    rmSync(workspace, { recursive: true, force: true });
  }
}

await main();
