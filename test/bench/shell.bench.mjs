// Benchmark: run_command `true` latency over stdio for meshwork-shell, side by side with
// mcp-server-commands (installed into a temp prefix at bench time), measured in the same run.
// Scale with SHELL_BENCH_ITERATIONS (default 400 timed calls per side), SHELL_BENCH_WARMUP (default
// 50 calls per side), SHELL_BENCH_BLOCK (default 5 calls per side per round) and SHELL_BENCH_THINK_MS
// (default 10: the pause before each call in the paced run).
// Targets from issue 12: our p50 <= 15 ms; our p50 / peer p50 <= 1.5. Never fails on a slow machine.
//
// It measures twice. Back to back: each call is sent the moment the previous one returned. Paced: a
// short pause before each call, as an agent leaves between commands (a model turn takes far longer
// than 10 ms); this is how the server is actually used.
//
// Both sides are warmed up, then measured in alternating blocks (ours, peer, peer, ours, …) so that
// load from other work on the machine falls on both alike. Besides the ratio of the two p50s (the
// target), it prints the median of the per-round ratios, which pairs blocks measured moments apart
// and so drifts least on a busy machine, and the CPU each side spent per call (the server and its
// direct children, which for meshwork-shell is its group guard; the commands themselves excluded).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const run = promisify(execFile);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ourBin = join(repo, 'servers', 'shell', 'dist', 'cli.js');
const iterations = Number(process.env.SHELL_BENCH_ITERATIONS ?? 400);
const warmup = Number(process.env.SHELL_BENCH_WARMUP ?? 50);
const block = Math.max(1, Number(process.env.SHELL_BENCH_BLOCK ?? 5));
const thinkMs = Number(process.env.SHELL_BENCH_THINK_MS ?? 10);
const out = (line = '') => process.stdout.write(`${line}\n`);

function environment() {
  const keep = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR'])
    if (process.env[name] !== undefined) keep[name] = process.env[name];
  return { ...keep, MESHWORK_LOG_LEVEL: 'warn' };
}

async function connect(name, command, args, cwd) {
  const transport = new StdioClientTransport({ command, args, env: environment(), cwd, stderr: 'ignore' });
  const client = new Client({ name: `bench-${name}`, version: '0.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

/** The server and its direct children (for meshwork-shell: its group guard, and a command if one runs). */
function processTree(pid) {
  const children = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return [pid, ...children];
}

/** CPU time (ms) a process has used itself, children it waited for not included. */
function cpuMilliseconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function residentMegabytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    mean: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    n: samples.length,
  };
}

const median = (values) => summarize(values).p50;
const format = (value) => `${value.toFixed(2)} ms`;

async function installPeer(prefix) {
  try {
    await run(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', 'mcp-server-commands'],
      { timeout: 180_000 },
    );
    const bin = join(prefix, 'node_modules', 'mcp-server-commands', 'build', 'index.js');
    return existsSync(bin) ? bin : undefined;
  } catch (error) {
    out(
      `peer: could not install mcp-server-commands (${error.message.split('\n')[0]}); printing our figure only`,
    );
    return undefined;
  }
}

async function callOnce(contender) {
  const started = performance.now();
  const result = await contender.client.callTool(contender.call);
  const elapsed = performance.now() - started;
  if (result.isError) throw new Error(`${contender.name} failed: ${JSON.stringify(result.content)}`);
  return elapsed;
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'meshwork-shell-bench-'));
  const root = join(work, 'root');
  await run('mkdir', ['-p', root]);
  out(
    `shell bench: run_command \`true\` over stdio, ${iterations} timed calls per side in alternating blocks of ${block}, after ${warmup} warm-up calls each`,
  );
  const contenders = [];
  try {
    const ours = await connect(
      'meshwork',
      process.execPath,
      [ourBin, '--root', root, '--allow', 'true'],
      root,
    );
    contenders.push({
      name: 'meshwork-shell',
      ...ours,
      call: { name: 'run_command', arguments: { command: 'true' } },
      samples: [],
      blocks: [],
    });

    const peerBin = await installPeer(join(work, 'peer'));
    if (peerBin) {
      try {
        const peer = await connect('peer', process.execPath, [peerBin], root);
        const tools = (await peer.client.listTools()).tools.map((tool) => tool.name);
        // Newer releases call the tool run_process; the one on the registry (0.5.x) calls it run_command.
        const call = tools.includes('run_process')
          ? { name: 'run_process', arguments: { mode: 'shell', command_line: 'true' } }
          : { name: 'run_command', arguments: { command: 'true' } };
        out(`peer: mcp-server-commands, tool ${call.name} (tools: ${tools.join(', ')})`);
        contenders.push({ name: 'mcp-server-commands', ...peer, call, samples: [], blocks: [] });
      } catch (error) {
        out(`peer: could not start mcp-server-commands (${error.message}); printing our figure only`);
      }
    }

    // Warm up in alternation too, so both JITs and both sides' caches are hot before timing starts.
    for (let done = 0; done < warmup; done += block) {
      for (const contender of contenders) {
        for (let index = 0; index < Math.min(block, warmup - done); index += 1) await callOnce(contender);
      }
    }
    const cpuBefore = contenders.map((contender) =>
      processTree(contender.pid).map((pid) => [pid, cpuMilliseconds(pid)]),
    );
    await measure(contenders, 0);
    const cpu = cpuBefore.map((tree) =>
      tree.reduce((sum, [pid, before]) => sum + (cpuMilliseconds(pid) - before), 0),
    );
    for (const [index, contender] of contenders.entries()) {
      const tree = processTree(contender.pid);
      const rss = tree.map((pid) => `${residentMegabytes(pid).toFixed(0)} MB`).join(' + ');
      out(
        `${contender.name.padEnd(20)} RSS ${rss}${tree.length > 1 ? ' (server + guard)' : ''}; CPU per call ${(cpu[index] / contender.samples.length).toFixed(2)} ms (10 ms ticks)`,
      );
    }
    report(contenders, 'back to back');
    for (const contender of contenders) {
      contender.samples = [];
      contender.blocks = [];
    }
    await measure(contenders, thinkMs);
    report(contenders, `paced, ${thinkMs} ms before each call`);
  } finally {
    await Promise.all(contenders.map(async (contender) => contender.client.close().catch(() => {})));
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Alternates blocks, and which side goes first in each round (ABBA), so that drift on a busy
 * machine hits both sides alike.
 */
async function measure(contenders, pauseMs) {
  for (let done = 0, round = 0; done < iterations; done += block, round += 1) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      const times = [];
      for (let index = 0; index < Math.min(block, iterations - done); index += 1) {
        if (pauseMs > 0) await delay(pauseMs);
        times.push(await callOnce(contender));
      }
      contender.samples.push(...times);
      contender.blocks.push(median(times));
    }
  }
}

function report(contenders, label) {
  out(`-- ${label} --`);
  const stats = contenders.map((contender) => ({ name: contender.name, ...summarize(contender.samples) }));
  for (const stat of stats) {
    out(
      `${stat.name.padEnd(20)} p50 ${format(stat.p50)}  p90 ${format(stat.p90)}  p99 ${format(stat.p99)}  mean ${format(stat.mean)}  (n=${stat.n})`,
    );
  }
  const [ourStats, peerStats] = stats;
  out(
    `meshwork-shell p50 ${format(ourStats.p50)} (target <= 15 ms: ${ourStats.p50 <= 15 ? 'met' : 'NOT met'})`,
  );
  if (!peerStats) return;
  const ratio = ourStats.p50 / peerStats.p50;
  const [ourBlocks, peerBlocks] = contenders.map((contender) => contender.blocks);
  const paired = median(ourBlocks.map((value, index) => value / peerBlocks[index]));
  out(`ratio p90 meshwork-shell / mcp-server-commands = ${(ourStats.p90 / peerStats.p90).toFixed(2)}`);
  out(`ratio of per-round medians (median over ${ourBlocks.length} rounds) = ${paired.toFixed(2)}`);
  out(
    `ratio meshwork-shell / mcp-server-commands p50 (${label}) = ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
  );
}

main().catch((error) => {
  out(`shell bench could not complete: ${error.stack ?? error}`);
});
